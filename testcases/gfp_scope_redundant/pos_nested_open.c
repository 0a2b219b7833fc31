// SPDX-License-Identifier: GPL-2.0-only
/*
 * Positive: nested scopes. Every allocation runs while the scope that
 * covers it is still open: GFP_NOFS under the outer nofs scope, then
 * GFP_NOIO and GFP_NOFS under the inner noio scope. The report names the
 * innermost covering save.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct foo_dev {
	void *cache;
	void *bounce;
	void *meta;
};

int foo_dev_setup(struct foo_dev *dev, size_t len)
{
	unsigned int nofs_flags, noio_flags;

	nofs_flags = memalloc_nofs_save();
	dev->cache = kmalloc(len, GFP_NOFS);
	noio_flags = memalloc_noio_save();
	dev->bounce = kmalloc(len, GFP_NOIO);
	dev->meta = kzalloc(len, GFP_NOFS);
	memalloc_noio_restore(noio_flags);
	memalloc_nofs_restore(nofs_flags);
	return 0;
}
