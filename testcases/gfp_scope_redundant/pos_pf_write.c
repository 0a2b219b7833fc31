// SPDX-License-Identifier: GPL-2.0-only
/*
 * Positive: PF_MEMALLOC_NOFS written into current->flags opens the scope
 * that the matching put-back closes.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

void *foo_pf_write(size_t n)
{
	void *p;

	current->flags |= PF_MEMALLOC_NOFS;
	p = kmalloc(n, GFP_NOFS);
	current->flags &= ~PF_MEMALLOC_NOFS;
	return p;
}
