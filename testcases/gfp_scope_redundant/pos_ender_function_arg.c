// SPDX-License-Identifier: GPL-2.0-only
/*
 * Positive: the allocation is in the argument of the restore, a function:
 * its arguments run before it does, so the allocation runs in the scope.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

unsigned int foo_keep_cookie(unsigned int c, void *p);

void *foo_arg_of_restore(size_t len)
{
	unsigned int c = memalloc_nofs_save();
	void *p;

	memalloc_nofs_restore(foo_keep_cookie(c, p = kmalloc(len, GFP_NOFS)));
	return p;
}
