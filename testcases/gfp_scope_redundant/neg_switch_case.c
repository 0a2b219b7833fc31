// SPDX-License-Identifier: GPL-2.0-only
/*
 * Negative: the scope is opened in one case label and the allocation sits
 * under the next one, which is also entered directly by the switch.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

void *foo_alloc_for(int kind, size_t len)
{
	unsigned int nofs_flag = 0;
	void *p = NULL;

	switch (kind) {
	case 1:
		nofs_flag = memalloc_nofs_save();
		/* fall through */
	case 2:
		p = kmalloc(len, GFP_NOFS);
		break;
	default:
		return NULL;
	}
	if (kind == 1)
		memalloc_nofs_restore(nofs_flag);
	return p;
}
