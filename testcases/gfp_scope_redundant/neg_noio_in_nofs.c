// SPDX-License-Identifier: GPL-2.0-only
/*
 * Negative: GFP_NOIO inside a nofs-only scope is not redundant (the scope
 * clears __GFP_FS, not __GFP_IO). The GFP_NOFS after the restore is not
 * redundant either (and makes spatch's token prefilter keep this file).
 */
#include <linux/slab.h>
#include <linux/gfp.h>
#include <linux/sched/mm.h>

struct foo_bdev {
	struct page *page;
	void *meta;
	void *tail;
};

int foo_bdev_read_meta(struct foo_bdev *b, size_t len)
{
	unsigned int nofs_flag;

	nofs_flag = memalloc_nofs_save();
	b->page = alloc_page(GFP_NOIO);
	b->meta = kmalloc(len, GFP_KERNEL);
	memalloc_nofs_restore(nofs_flag);
	b->tail = kmalloc(len, GFP_NOFS);
	return 0;
}
