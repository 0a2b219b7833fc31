// SPDX-License-Identifier: GPL-2.0-only
/*
 * Positive: memalloc_flags_save() with PF_MEMALLOC_NOFS opens a nofs scope
 * (bcachefs's memalloc_flags_do() shape), and with PF_MEMALLOC_NOIO a noio
 * scope, which covers GFP_NOIO as well.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

void *foo_flags_nofs(size_t n)
{
	unsigned int flags = memalloc_flags_save(PF_MEMALLOC_NOFS);
	void *p = kmalloc(n, GFP_NOFS);

	memalloc_flags_restore(flags);
	return p;
}

void *foo_flags_noio(size_t n)
{
	unsigned int flags = memalloc_flags_save(PF_MEMALLOC_NOIO | PF_MEMALLOC_NOWARN);
	void *p = kmalloc(n, GFP_NOIO);

	memalloc_flags_restore(flags);
	return p;
}
