// SPDX-License-Identifier: GPL-2.0-only
/*
 * Negative: the allocation after the label is inside the scope on the
 * fall-through path but is also reached by a goto taken before the save.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct foo_sb_info {
	void *journal;
	void *bitmap;
};

int foo_fill_super(struct foo_sb_info *sbi, size_t len, bool no_journal)
{
	unsigned int nofs_flag = 0;

	if (no_journal)
		goto alloc_bitmap;
	nofs_flag = memalloc_nofs_save();
	sbi->journal = kmalloc(len, GFP_KERNEL);
alloc_bitmap:
	sbi->bitmap = kzalloc(len, GFP_NOFS);
	if (!no_journal)
		memalloc_nofs_restore(nofs_flag);
	return 0;
}
