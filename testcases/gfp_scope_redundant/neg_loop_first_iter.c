// SPDX-License-Identifier: GPL-2.0-only
/*
 * Negative: the scope is opened later in the loop body, so the first
 * iteration's allocation runs before any save (later iterations are
 * covered, which is not enough).
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

int foo_grow(void **slots, int nr, size_t len)
{
	unsigned int nofs_flag = 0;
	int i;

	for (i = 0; i < nr; i++) {
		slots[i] = kmalloc(len, GFP_NOFS);
		if (!slots[i])
			break;
		nofs_flag = memalloc_nofs_save();
	}
	memalloc_nofs_restore(nofs_flag);
	return i;
}
