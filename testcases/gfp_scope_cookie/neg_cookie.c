// SPDX-License-Identifier: GPL-2.0-only
/* Each restore takes the cookie of the scope it closes: a cookie variable
 * reused for a second scope after the first one's restore, nested scopes
 * in their own variables, a cookie set through a pointer by a helper, and
 * drivers/md's cookie initialised to 0 for a scope opened under a
 * condition. */
#include <linux/slab.h>
#include <linux/sched/mm.h>

void open_scope(unsigned int *cookie);	/* *cookie = memalloc_noio_save() */

void two_scopes(void **a, void **b)
{
	unsigned int flags;

	flags = memalloc_nofs_save();
	*a = kmalloc(64, GFP_KERNEL);
	memalloc_nofs_restore(flags);

	flags = memalloc_noio_save();
	*b = kmalloc(64, GFP_KERNEL);
	memalloc_noio_restore(flags);
}

void nested(void **a, void **b)
{
	unsigned int nofs, noio;

	nofs = memalloc_nofs_save();
	*a = kmalloc(64, GFP_KERNEL);
	noio = memalloc_noio_save();
	*b = kmalloc(64, GFP_KERNEL);
	memalloc_noio_restore(noio);
	memalloc_nofs_restore(nofs);
}

void by_helper(void **a)
{
	unsigned int cookie;

	open_scope(&cookie);
	*a = kmalloc(64, GFP_KERNEL);
	memalloc_noio_restore(cookie);
}

int start_sync(int need, void **p)
{
	unsigned int noio_flags = 0;

	if (need)
		noio_flags = memalloc_noio_save();
	*p = kmalloc(64, GFP_KERNEL);
	memalloc_noio_restore(noio_flags);
	return *p ? 0 : -ENOMEM;
}
