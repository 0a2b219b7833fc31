// SPDX-License-Identifier: GPL-2.0-only
/*
 * Positive: the pre-5.17 vmalloc workaround; still reported, with a note
 * that kvmalloc()/__vmalloc() honour GFP_NOFS now.
 */
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/sched/mm.h>

unsigned long *foo_alloc_bitmap(size_t bitmap_size)
{
	unsigned long *ret;
	unsigned int nofs_flag;

	/*
	 * GFP_NOFS doesn't work with kvmalloc(), but we really can't recurse
	 * into the filesystem as the free space bitmap can be modified in the
	 * critical section of a transaction commit.
	 */
	nofs_flag = memalloc_nofs_save();
	ret = kvzalloc(bitmap_size, GFP_KERNEL);
	memalloc_nofs_restore(nofs_flag);
	return ret;
}

void *foo_alloc_table(unsigned long size)
{
	unsigned int nofs_flag;
	void *table;

	nofs_flag = memalloc_nofs_save();
	table = vmalloc(size);
	memalloc_nofs_restore(nofs_flag);
	return table;
}
