// SPDX-License-Identifier: GPL-2.0-only
/*
 * Negative: the site comes after the put-back of PF_MEMALLOC_NOFS.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

void *foo_pf_after(size_t n)
{
	current->flags |= PF_MEMALLOC_NOFS;
	current->flags &= ~PF_MEMALLOC_NOFS;
	return kmalloc(n, GFP_NOFS);
}
