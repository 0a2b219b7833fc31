// SPDX-License-Identifier: GPL-2.0-only
/*
 * Positive: a loop that lies entirely inside the scope, and a loop whose
 * body opens and closes the scope around the allocation each iteration.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

int foo_fill(void **slots, int nr, size_t len)
{
	unsigned int nofs_flag;
	int i;

	nofs_flag = memalloc_nofs_save();
	for (i = 0; i < nr; i++) {
		slots[i] = kmalloc(len, GFP_NOFS);
		if (!slots[i])
			break;
	}
	memalloc_nofs_restore(nofs_flag);
	return i;
}

int foo_refill(void **slots, int nr, size_t len)
{
	int i;

	for (i = 0; i < nr; i++) {
		unsigned int nofs_flag = memalloc_nofs_save();

		slots[i] = kmalloc(len, GFP_NOFS);
		memalloc_nofs_restore(nofs_flag);
	}
	return i;
}
