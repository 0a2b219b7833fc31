// SPDX-License-Identifier: GPL-2.0-only
/*
 * Scope ends hidden in macros (issue 13, defect 1). Each keep case ends its
 * scope through a macro before the allocation; each convert twin calls a
 * macro of the same shape that does not.
 */
#include "sndfs.h"

#define sndfs_end_nofs(c)	memalloc_nofs_restore(c)
#define sndfs_end_se(c)		({ memalloc_nofs_restore(c); 0; })
#define sndfs_end_dw(c)		do { memalloc_nofs_restore(c); } while (0)
#define sndfs_drop_nofs()	(current->flags &= ~PF_MEMALLOC_NOFS)
#define sndfs_end_twice(c)	sndfs_end_nofs(c)

/* harmless look-alikes */
#define sndfs_note(n)		sndfs_count(n)
#define sndfs_note_se(n)	({ sndfs_count(n); 0; })
#define sndfs_note_dw(n)	do { sndfs_count(n); } while (0)
#define SNDFS_SIZE(n)		((n) * 2)

void sndfs_count(size_t n)
{
	(void)n;
}

void *sndfs_macro_restore(size_t n)
{
	unsigned int c = memalloc_nofs_save();
	void *p;

	sndfs_end_nofs(c);
	p = kzalloc(n, GFP_NOFS);
	return p;
}

void *sndfs_stmt_expr_restore(size_t n)
{
	unsigned int c = memalloc_nofs_save();
	void *p;

	sndfs_end_se(c);
	p = kzalloc(n, GFP_NOFS);
	return p;
}

void *sndfs_do_while_restore(size_t n)
{
	unsigned int c = memalloc_nofs_save();
	void *p;

	sndfs_end_dw(c);
	p = kzalloc(n, GFP_NOFS);
	memalloc_nofs_restore(c);
	return p;
}

void *sndfs_flags_macro(size_t n)
{
	unsigned int c = memalloc_nofs_save();
	void *p;

	sndfs_drop_nofs();
	p = kzalloc(n, GFP_NOFS);
	memalloc_nofs_restore(c);
	return p;
}

void *sndfs_macro_of_macro(size_t n)
{
	unsigned int c = memalloc_nofs_save();
	void *p;

	sndfs_end_twice(c);
	p = kzalloc(n, GFP_NOFS);
	return p;
}

void *sndfs_header_macro(size_t n)
{
	unsigned int c = memalloc_nofs_save();
	void *p;

	sndfs_leave_nofs(c);
	p = kzalloc(n, GFP_NOFS);
	return p;
}

void *sndfs_unknown_call(size_t n)
{
	unsigned int c = memalloc_nofs_save();
	void *p;

	sndfs_mystery(c);
	p = kzalloc(n, GFP_NOFS);
	memalloc_nofs_restore(c);
	return p;
}

/* the twins: the same shapes, nothing ends the scope */
void *sndfs_macro_harmless(size_t n)
{
	unsigned int c = memalloc_nofs_save();
	void *p;

	sndfs_note(n);
	p = kzalloc(n, GFP_NOFS);
	memalloc_nofs_restore(c);
	return p;
}

void *sndfs_stmt_expr_harmless(size_t n)
{
	unsigned int c = memalloc_nofs_save();
	void *p;

	sndfs_note_se(n);
	sndfs_note_dw(n);
	p = kzalloc(SNDFS_SIZE(n), GFP_NOFS);
	memalloc_nofs_restore(c);
	return p;
}

void *sndfs_restore_after(size_t n)
{
	unsigned int c = memalloc_nofs_save();
	void *p;

	p = kzalloc(n, GFP_NOFS);
	sndfs_end_nofs(c);
	return p;
}

/* a function pasted by SNDFS_ENDER: its body is the macro's, which restores: keep */
void *sndfs_generated_ender(size_t n)
{
	unsigned int c = memalloc_nofs_save();
	void *p;

	sndfs_end_early(c);
	p = kzalloc(n, GFP_NOFS);
	return p;
}

/* the twin: pasted by SNDFS_GETTER, whose body ends nothing: convert */
void *sndfs_generated_getter(size_t n)
{
	unsigned int c = memalloc_nofs_save();
	void *p;

	p = kzalloc(sndfs_get_size(n), GFP_NOFS);
	memalloc_nofs_restore(c);
	return p;
}

/*
 * A chain through a function that calls a name defined nowhere before it calls on:
 * sndfs_via_unknown() may end sndfs_chain_outer()'s scope, so its callee is kept ...
 */
static void *sndfs_chain_inner(size_t n)
{
	return kmalloc(n, GFP_NOFS);
}

static void *sndfs_via_unknown(size_t n)
{
	sndfs_mystery(0);
	return sndfs_chain_inner(n);
}

/* ... and the twin, through a function that calls only what the tree defines: convert */
static void *sndfs_chain_inner2(size_t n)
{
	return kmalloc(n, GFP_NOFS);
}

static void *sndfs_via_known(size_t n)
{
	sndfs_count(n);
	return sndfs_chain_inner2(n);
}

void *sndfs_chain_outer(size_t n)
{
	unsigned int c = memalloc_nofs_save();
	void *p = sndfs_via_unknown(n);
	void *q = sndfs_via_known(n);

	memalloc_nofs_restore(c);
	return p ? p : q;
}
