// SPDX-License-Identifier: GPL-2.0-only
/*
 * Negative: the scope ends through a macro of this file before the
 * allocation: a plain call, a statement expression, a do { } while (0), a
 * write to current->flags, and a macro that calls one of those.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

#define foo_end_nofs(c)	memalloc_nofs_restore(c)
#define foo_end_se(c)	({ memalloc_nofs_restore(c); 0; })
#define foo_end_dw(c)	do { memalloc_nofs_restore(c); } while (0)
#define foo_drop_nofs()	(current->flags &= ~PF_MEMALLOC_NOFS)
#define foo_end_twice(c)	foo_end_nofs(c)

void *foo_plain(size_t len)
{
	unsigned int c = memalloc_nofs_save();

	foo_end_nofs(c);
	return kmalloc(len, GFP_NOFS);
}

void *foo_se(size_t len)
{
	unsigned int c = memalloc_nofs_save();

	foo_end_se(c);
	return kmalloc(len, GFP_NOFS);
}

void *foo_dw(size_t len)
{
	unsigned int c = memalloc_nofs_save();

	foo_end_dw(c);
	return kmalloc(len, GFP_NOFS);
}

void *foo_flags(size_t len)
{
	unsigned int c = memalloc_nofs_save();
	void *p;

	foo_drop_nofs();
	p = kmalloc(len, GFP_NOFS);
	memalloc_nofs_restore(c);
	return p;
}

void *foo_twice(size_t len)
{
	unsigned int c = memalloc_nofs_save();

	foo_end_twice(c);
	return kmalloc(len, GFP_NOFS);
}
