// SPDX-License-Identifier: GPL-2.0-only
/* A restore of a number: no save returned it, and the scope the save opened
 * is left as it was (or, before v6.12, its flag is cleared under the
 * caller's scope). */
#include <linux/slab.h>
#include <linux/sched/mm.h>

void *zero_cookie(int n)
{
	unsigned int flags = memalloc_nofs_save();
	void *p = kmalloc(n, GFP_KERNEL);

	memalloc_nofs_restore(0);
	(void)flags;
	return p;
}
