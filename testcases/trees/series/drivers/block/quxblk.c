// SPDX-License-Identifier: GPL-2.0-only
/* A block driver: GFP_NOIO inside a memalloc_noio scope. */
#include <linux/slab.h>
#include <linux/sched/mm.h>

void *quxblk_setup(size_t size)
{
	unsigned int flags = memalloc_noio_save();
	void *p = kzalloc(size, GFP_NOIO);

	memalloc_noio_restore(flags);
	return p;
}
