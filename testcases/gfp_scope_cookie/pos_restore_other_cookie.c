// SPDX-License-Identifier: GPL-2.0-only
/* Restores whose cookie is not the one of the scope they close: the second
 * scope restored with the first scope's (already restored) cookie, and a
 * restore of a variable no save ever set (a typo for the cookie). */
#include <linux/slab.h>
#include <linux/sched/mm.h>

void two_scopes(void **a, void **b)
{
	unsigned int first, second;

	first = memalloc_nofs_save();
	*a = kmalloc(64, GFP_KERNEL);
	memalloc_nofs_restore(first);

	second = memalloc_nofs_save();
	*b = kmalloc(64, GFP_KERNEL);
	memalloc_nofs_restore(first);
}

void *typo(int n)
{
	unsigned int nofs_flag, flags;
	void *p;

	nofs_flag = memalloc_nofs_save();
	p = kmalloc(n, GFP_KERNEL);
	memalloc_nofs_restore(flags);
	return p;
}
