// SPDX-License-Identifier: GPL-2.0-only
/*
 * Negative: nested scopes where the scope that would cover the allocation
 * is already closed: GFP_NOIO after the inner noio scope ended (only the
 * nofs scope is open, and nofs does not imply noio).
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct foo_dev {
	void *bounce;
	void *late;
};

int foo_dev_reset(struct foo_dev *dev, size_t len)
{
	unsigned int nofs_flags, noio_flags;

	nofs_flags = memalloc_nofs_save();
	noio_flags = memalloc_noio_save();
	dev->bounce = kmalloc(len, GFP_KERNEL);
	memalloc_noio_restore(noio_flags);
	dev->late = kmalloc(len, GFP_NOIO);
	memalloc_nofs_restore(nofs_flags);
	return 0;
}
