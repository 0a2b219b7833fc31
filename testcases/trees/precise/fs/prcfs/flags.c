// SPDX-License-Identifier: GPL-2.0-only
/* Every way to open a scope: memalloc_flags_save() with PF_MEMALLOC_NOFS opens a nofs
 * scope its callees inherit; with PF_MEMALLOC_PIN it opens none; and a nofs scope does
 * not cover GFP_NOIO. */
#include "prcfs.h"

static void *prcfs_flags_helper(size_t n)
{
	return kmalloc(n, GFP_NOFS);
}

void *prcfs_flags_user(size_t n)
{
	unsigned int f = memalloc_flags_save(PF_MEMALLOC_NOFS);
	void *p = prcfs_flags_helper(n);

	memalloc_flags_restore(f);
	return p;
}

static void *prcfs_pin_helper(size_t n)
{
	return kmalloc(n, GFP_NOFS);
}

void *prcfs_pin_user(size_t n)
{
	unsigned int f = memalloc_flags_save(PF_MEMALLOC_PIN);
	void *p = prcfs_pin_helper(n);

	memalloc_flags_restore(f);
	return p;
}

static void *prcfs_noio_helper(size_t n)
{
	return kmalloc(n, GFP_NOIO);
}

void *prcfs_noio_user(size_t n)
{
	unsigned int f = memalloc_flags_save(PF_MEMALLOC_NOFS);
	void *p = prcfs_noio_helper(n);

	memalloc_flags_restore(f);
	return p;
}

/* local: the flags scope covers the allocation in its own function */
void *prcfs_flags_local(size_t n)
{
	unsigned int f = memalloc_flags_save(PF_MEMALLOC_NOFS);
	void *p = kmalloc(n, GFP_NOFS);

	memalloc_flags_restore(f);
	return p;
}

/* local: PF_MEMALLOC_NOFS written into current->flags, and put back after the site */
void *prcfs_pf_local(size_t n)
{
	void *p;

	current->flags |= PF_MEMALLOC_NOFS;
	p = kmalloc(n, GFP_NOFS);
	current->flags &= ~PF_MEMALLOC_NOFS;
	return p;
}
