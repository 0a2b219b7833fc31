// SPDX-License-Identifier: GPL-2.0-only
/* Negative twins from a soundness review: each of these looked provable to an earlier
 * version of the analysis and is not; every site here must stay keep but one (see
 * testcases/driver/test_precision.py). */
#include "prcfs.h"

/* N1: crossing scopes of two kinds: the inner nofs cookie was saved under a noio scope,
 * so it says "NOFS clear", and restoring it clears the NOFS bit that x's save relies on */
void *rv_cross_kinds(size_t n)
{
	unsigned int o, d, x;
	void *p;

	o = memalloc_noio_save();
	d = memalloc_nofs_save();
	prcfs_work();
	memalloc_noio_restore(o);
	x = memalloc_nofs_save();
	memalloc_nofs_restore(d);
	p = kmalloc(n, GFP_NOFS);
	memalloc_nofs_restore(x);
	return p;
}

/* N1b: the same with the kinds swapped and a GFP_NOIO site */
void *rv_cross_kinds_noio(size_t n)
{
	unsigned int o, d, x;
	void *p;

	o = memalloc_nofs_save();
	d = memalloc_noio_save();
	prcfs_work();
	memalloc_nofs_restore(o);
	x = memalloc_noio_save();
	memalloc_noio_restore(d);
	p = kmalloc(n, GFP_NOIO);
	memalloc_noio_restore(x);
	return p;
}

/* N2: a file-scope cookie, which a callee overwrites */
static unsigned int rv_cookie;

static void rv_reset_cookie(void)
{
	rv_cookie = 0;
}

void *rv_global_cookie(size_t n)
{
	unsigned int o = memalloc_nofs_save();
	void *p;

	rv_cookie = memalloc_nofs_save();
	rv_reset_cookie();
	memalloc_nofs_restore(rv_cookie);
	p = kmalloc(n, GFP_NOFS);
	memalloc_nofs_restore(o);
	return p;
}

/* N3: the cookie written through a pointer to it */
void *rv_cookie_ptr(int a, size_t n)
{
	unsigned int o = memalloc_nofs_save();
	unsigned int d;
	unsigned int *pd = &d;
	void *p;

	d = memalloc_nofs_save();
	if (a)
		*pd = 0;
	memalloc_nofs_restore(d);
	p = kmalloc(n, GFP_NOFS);
	memalloc_nofs_restore(o);
	return p;
}

/* N4: balanced by its restores, but it clears the caller's NOFS bit with a write */
static void rv_clears(void)
{
	unsigned int c = memalloc_noio_save();

	prcfs_work();
	memalloc_noio_restore(c);
	current->flags &= ~PF_MEMALLOC_NOFS;
}

static void *rv_after_clears(size_t n)
{
	return kmalloc(n, GFP_NOFS);
}

void *rv_clears_user(size_t n)
{
	unsigned int c = memalloc_nofs_save();
	void *p;

	rv_clears();
	p = rv_after_clears(n);
	memalloc_nofs_restore(c);
	return p;
}

/* N5: balanced function with a file-scope cookie that a callee overwrites */
static void *rv_bal_global(size_t n)
{
	rv_cookie = memalloc_noio_save();
	rv_reset_cookie();
	memalloc_noio_restore(rv_cookie);
	return kmalloc(n, GFP_NOFS);
}

void *rv_bal_global_user(size_t n)
{
	unsigned int c = memalloc_nofs_save();
	void *p = rv_bal_global(n);

	memalloc_nofs_restore(c);
	return p;
}
