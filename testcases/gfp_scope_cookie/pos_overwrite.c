// SPDX-License-Identifier: GPL-2.0-only
/* A cookie variable overwritten while its scope is open: by a nested save
 * into the same variable, and by the same save on the next iteration of a
 * loop whose continue skips the restore. */
#include <linux/slab.h>
#include <linux/sched/mm.h>

void *reuse(int n)
{
	unsigned int flags;
	void *p;

	flags = memalloc_nofs_save();
	p = kmalloc(n, GFP_KERNEL);
	flags = memalloc_noio_save();
	kfree(kmalloc(n, GFP_KERNEL));
	memalloc_noio_restore(flags);
	return p;
}

void fill(void **v, int n)
{
	unsigned int flags;
	int i;

	for (i = 0; i < n; i++) {
		flags = memalloc_nofs_save();
		v[i] = kmalloc(64, GFP_KERNEL);
		if (!v[i])
			continue;
		memalloc_nofs_restore(flags);
	}
}
