// SPDX-License-Identifier: GPL-2.0-only
/* Restores that a path skips or that name the wrong cookie: a continue that
 * jumps over the restore of the scope opened in the loop body, and a
 * restore of another variable, which leaves the real cookie's scope open. */
#include <linux/slab.h>
#include <linux/sched/mm.h>

void fill(void **v, int n)
{
	unsigned int flags;
	int i;

	for (i = 0; i < n; i++) {
		flags = memalloc_noio_save();
		v[i] = kmalloc(64, GFP_KERNEL);
		if (!v[i])
			continue;
		memalloc_noio_restore(flags);
	}
}

void *wrong_cookie(int n)
{
	unsigned int nofs, other = 0;
	void *p;

	nofs = memalloc_nofs_save();
	p = kmalloc(n, GFP_KERNEL);
	memalloc_nofs_restore(other);
	return p;
}
