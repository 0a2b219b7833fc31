// SPDX-License-Identifier: GPL-2.0-only
/*
 * Negative: memalloc_flags_save() with flags that are not NOFS/NOIO opens no
 * such scope; a nofs-only flags scope does not cover GFP_NOIO; and flags in a
 * variable are unknown.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

void *foo_flags_pin(size_t n)
{
	unsigned int flags = memalloc_flags_save(PF_MEMALLOC_PIN);
	void *p = kmalloc(n, GFP_NOFS);

	memalloc_flags_restore(flags);
	return p;
}

void *foo_flags_nofs_noio_site(size_t n)
{
	unsigned int flags = memalloc_flags_save(PF_MEMALLOC_NOFS);
	void *p = kmalloc(n, GFP_NOIO);

	memalloc_flags_restore(flags);
	return p;
}

void *foo_flags_var(size_t n, unsigned int which)
{
	unsigned int flags = memalloc_flags_save(which);
	void *p = kmalloc(n, GFP_NOFS);

	memalloc_flags_restore(flags);
	return p;
}
