// SPDX-License-Identifier: GPL-2.0-only
/*
 * Negative: the scope's flag is cleared by hand (current->flags) or by a
 * restore with a cookie the function did not get from its own save,
 * before the allocation.
 */
#include <linux/slab.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>

void *foo_clear_by_hand(size_t len)
{
	unsigned int nofs_flag;
	void *p;

	nofs_flag = memalloc_nofs_save();
	current->flags &= ~PF_MEMALLOC_NOFS;
	p = kmalloc(len, GFP_NOFS);
	memalloc_nofs_restore(nofs_flag);
	return p;
}

void *foo_restore_foreign(size_t len, unsigned int caller_flags)
{
	unsigned int nofs_flag;
	void *p;

	nofs_flag = memalloc_nofs_save();
	memalloc_flags_restore(caller_flags);
	p = kmalloc(len, GFP_NOFS);
	memalloc_nofs_restore(nofs_flag);
	return p;
}
