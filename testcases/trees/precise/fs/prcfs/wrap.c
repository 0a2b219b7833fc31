// SPDX-License-Identifier: GPL-2.0-only
/* Macros that wrap a scope around an argument (wrap.h): a site in the wrapped argument of a
 * use is covered, and so are the callees of a call there; the twins stay keep. */
#include "wrap.h"

/* the statement-expression wrapper, flags from the argument */
void *prcfs_wrap_expr(size_t n)
{
	return memalloc_flags_do(PF_MEMALLOC_NOFS, kmalloc(n, GFP_NOFS));
}

/* the do { } while (0) wrapper around a statement */
void *prcfs_wrap_stmt(size_t n)
{
	void *p;

	prcfs_with_nofs(p = kmalloc(n, GFP_NOFS));
	return p;
}

/* a noio wrapper covers GFP_NOIO; the flags go on over two lines */
void *prcfs_wrap_noio(size_t n)
{
	return memalloc_flags_do(PF_MEMALLOC_NOIO | PF_MEMALLOC_NOWARN,
				 kmalloc(n, GFP_NOIO));
}

/* caller scope: the helper is called only in the wrapped argument */
static void *prcfs_wrap_helper(size_t n)
{
	return kmalloc(n, GFP_NOFS);
}

void *prcfs_wrap_caller(size_t n)
{
	return memalloc_flags_do(PF_MEMALLOC_NOFS, prcfs_wrap_helper(n));
}

/* PF_MEMALLOC_PIN opens no scope */
void *prcfs_wrap_pin(size_t n)
{
	return memalloc_flags_do(PF_MEMALLOC_PIN, kmalloc(n, GFP_NOFS));
}

/* a nofs wrapper does not cover GFP_NOIO */
void *prcfs_wrap_noio_in_nofs(size_t n)
{
	void *p;

	prcfs_with_nofs(p = kmalloc(n, GFP_NOIO));
	return p;
}

/* the site is in the argument the macro drops, not the wrapped one */
void *prcfs_wrap_other_arg(size_t n)
{
	void *p = NULL, *q;

	prcfs_wrap_first(q = kzalloc(n, GFP_KERNEL), p = kmalloc(n, GFP_NOFS));
	kfree(q);
	return p;
}

/* the site's call holds a wrapper use in its arguments: the kmalloc the wrapper covers is
 * another one, nearer the site than the site's own */
void *prcfs_wrap_inner_call(size_t n)
{
	return kmalloc(memalloc_flags_do(PF_MEMALLOC_NOFS, kmalloc(n, GFP_KERNEL)) ? n : 1, GFP_NOFS);
}

/* a restore in the argument, before the site */
void *prcfs_wrap_ends_inside(size_t n, unsigned int c)
{
	void *p;

	prcfs_with_nofs((memalloc_nofs_restore(c), p = kmalloc(n, GFP_NOFS)));
	return p;
}

/* a statement expression in the argument: a restore in it would not be seen */
void *prcfs_wrap_stmt_expr(size_t n, unsigned int c)
{
	return memalloc_flags_do(PF_MEMALLOC_NOFS, kmalloc(({ memalloc_nofs_restore(c); n; }), GFP_NOFS));
}

/* the look-alikes of wrap.h */
void *prcfs_wrap_before(size_t n)
{
	void *p;

	prcfs_before(p = kmalloc(n, GFP_NOFS));
	return p;
}

void *prcfs_wrap_after(size_t n)
{
	void *p;

	prcfs_after(p = kmalloc(n, GFP_NOFS));
	return p;
}

void *prcfs_wrap_twice(size_t n)
{
	void *p;

	prcfs_twice(p = kmalloc(n, GFP_NOFS));
	return p;
}

void *prcfs_wrap_cond_save(size_t n, int c)
{
	void *p;

	prcfs_cond_save(c, p = kmalloc(n, GFP_NOFS));
	return p;
}

void *prcfs_wrap_cond_restore(size_t n)
{
	void *p;

	prcfs_cond_restore(p = kmalloc(n, GFP_NOFS));
	return p;
}

void *prcfs_wrap_other_cookie(size_t n, unsigned int c)
{
	void *p;

	prcfs_other_cookie(c, p = kmalloc(n, GFP_NOFS));
	return p;
}

void *prcfs_wrap_maybe(size_t n)
{
	void *p;

	prcfs_maybe_nofs(p = kmalloc(n, GFP_NOFS));
	return p;
}

void *prcfs_wrap_redefined(size_t n)
{
	void *p;

	prcfs_nofs_do(p = kmalloc(n, GFP_NOFS));
	return p;
}
