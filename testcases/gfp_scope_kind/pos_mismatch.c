// SPDX-License-Identifier: GPL-2.0-only
/* A nofs scope closed by a noio restore, and the reverse. */
#include <linux/slab.h>
#include <linux/sched/mm.h>

void *nofs_by_noio(int n)
{
	unsigned int flags = memalloc_nofs_save();
	void *p = kmalloc(n, GFP_KERNEL);

	memalloc_noio_restore(flags);
	return p;
}

void *noio_by_nofs(int n)
{
	unsigned int flags;
	void *p;

	flags = memalloc_noio_save();
	p = kmalloc(n, GFP_KERNEL);
	memalloc_nofs_restore(flags);
	return p;
}
