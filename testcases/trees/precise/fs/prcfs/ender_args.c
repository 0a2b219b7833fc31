// SPDX-License-Identifier: GPL-2.0-only
/* Calls in the node of a call that may end the scope. A function evaluates its
 * arguments before it runs, so a call in them runs inside the scope; a macro may run its
 * argument after it ends the scope, and so may a name the tree does not define. The
 * operands of an expression and the declarators of a declaration run in any order, a
 * for header runs its init before its condition, and an iterator or a declarer macro
 * ends the scope where spatch sees no call. Only the function's argument is covered. */
#include "prcfs.h"

/* end the scope: they restore the cookie they are handed */
int prcfs_ea_end(unsigned int c)
{
	memalloc_nofs_restore(c);
	return 0;
}

void prcfs_ea_end_with(unsigned int c, void *p)
{
	memalloc_nofs_restore(c);
}

void prcfs_ea_undefined(unsigned int c, void *p);
#define prcfs_ea_end_then(c, x)	({ memalloc_nofs_restore(c); x; })
#define prcfs_for_each_end(i, c)	for (i = prcfs_ea_end(c); i < 1; i++)
#define DECLARE_PRCFS_END(c)	int __prcfs_end = prcfs_ea_end(c)

/* in the argument of a function that ends the scope: convert */
static void *prcfs_ea_fn_helper(size_t n)
{
	return kmalloc(n, GFP_NOFS);
}

void prcfs_ea_fn(size_t n)
{
	unsigned int c = memalloc_nofs_save();

	prcfs_ea_end_with(c, prcfs_ea_fn_helper(n));
}

void prcfs_ea_fn_site(size_t n)
{
	unsigned int c = memalloc_nofs_save();

	prcfs_ea_end_with(c, kmalloc(n, GFP_NOFS));
}

/* twin: in the argument of a macro that restores first */
static void *prcfs_ea_macro_helper(size_t n)
{
	return kmalloc(n, GFP_NOFS);
}

void *prcfs_ea_macro(size_t n)
{
	unsigned int c = memalloc_nofs_save();

	return prcfs_ea_end_then(c, prcfs_ea_macro_helper(n));
}

void *prcfs_ea_macro_site(size_t n)
{
	unsigned int c = memalloc_nofs_save();

	return prcfs_ea_end_then(c, kmalloc(n, GFP_NOFS));
}

/* twin: in the argument of a name the tree does not define (a macro, maybe) */
static void *prcfs_ea_undef_helper(size_t n)
{
	return kmalloc(n, GFP_NOFS);
}

void prcfs_ea_undef(size_t n)
{
	unsigned int c = memalloc_nofs_save();

	prcfs_ea_undefined(c, prcfs_ea_undef_helper(n));
}

/* twin: beside the end in one expression */
static void *prcfs_ea_sibling_helper(size_t n)
{
	return kmalloc(n, GFP_NOFS);
}

int prcfs_ea_sibling(size_t n)
{
	unsigned int c = memalloc_nofs_save();

	return prcfs_ea_end(c) + !prcfs_ea_sibling_helper(n);
}

/* twin: the end is in its own argument, evaluated before it */
static void *prcfs_ea_inner_helper(int r, size_t n)
{
	return kmalloc(n + r, GFP_NOFS);
}

void *prcfs_ea_inner(size_t n)
{
	unsigned int c = memalloc_nofs_save();

	return prcfs_ea_inner_helper(prcfs_ea_end(c), n);
}

/* twin: in another declarator of the declaration */
static void *prcfs_ea_decl_helper(size_t n)
{
	return kmalloc(n, GFP_NOFS);
}

long prcfs_ea_decl(size_t n)
{
	unsigned int c = memalloc_nofs_save();
	long r = prcfs_ea_end(c), p = (long)prcfs_ea_decl_helper(n);

	return r + p;
}

/* twin: in a for header's condition, after its init ends the scope */
static void *prcfs_ea_for_helper(size_t n)
{
	return kmalloc(n, GFP_NOFS);
}

void *prcfs_ea_for(size_t n)
{
	unsigned int c = memalloc_nofs_save();
	void *p;

	for (prcfs_ea_end(c); !(p = prcfs_ea_for_helper(n)); )
		return NULL;
	return p;
}

/* twin: in the body of an iterator whose header ends the scope */
static void *prcfs_ea_iter_helper(size_t n)
{
	return kmalloc(n, GFP_NOFS);
}

void *prcfs_ea_iter(size_t n)
{
	unsigned int c = memalloc_nofs_save();
	void *p = NULL;
	int i;

	prcfs_for_each_end(i, c)
		p = prcfs_ea_iter_helper(n);
	return p;
}

/* twin: after a declarer macro that ends the scope */
static void *prcfs_ea_declr_helper(size_t n)
{
	return kmalloc(n, GFP_NOFS);
}

void *prcfs_ea_declr(size_t n)
{
	unsigned int c = memalloc_nofs_save();
	DECLARE_PRCFS_END(c);

	return prcfs_ea_declr_helper(n + __prcfs_end);
}
