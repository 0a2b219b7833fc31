// SPDX-License-Identifier: GPL-2.0-only
/*
 * Negative: the save is hidden in a conditional expression, so it is not
 * a save on every path.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

void *foo_maybe_scoped(size_t len, bool fs_locked)
{
	unsigned int nofs_flag = fs_locked ? memalloc_nofs_save() : 0;
	void *p = kmalloc(len, GFP_NOFS);

	if (fs_locked)
		memalloc_nofs_restore(nofs_flag);
	return p;
}
