// SPDX-License-Identifier: GPL-2.0-only
/* Nested scopes closed in the wrong order: the outer cookie is restored
 * while the inner scope is open. */
#include <linux/slab.h>
#include <linux/sched/mm.h>

void *nested(int n)
{
	unsigned int nofs, noio;
	void *p;

	nofs = memalloc_nofs_save();
	noio = memalloc_noio_save();
	p = kmalloc(n, GFP_KERNEL);
	memalloc_nofs_restore(nofs);
	memalloc_noio_restore(noio);
	return p;
}
