// SPDX-License-Identifier: GPL-2.0-only
/* Interprocedural cases: each helper's verdict is in testcases/driver/test_ipa.py. */
#include "ipafs.h"

/* called only inside the scope of ipafs_scoped(): caller-scope, high */
static void *ipafs_only_in_scope(size_t n)
{
	return kmalloc(n, GFP_NOFS);
}

/* called inside a scope and outside one: dual-context */
static void *ipafs_dual(size_t n)
{
	return kzalloc(n, GFP_NOFS);
}

/* a chain of three static functions, entered from the scope */
static void *ipafs_chain3(size_t n)
{
	return kmalloc(n, GFP_NOFS | __GFP_NOFAIL);
}

static void *ipafs_chain2(size_t n)
{
	return ipafs_chain3(n);
}

static void *ipafs_chain1(size_t n)
{
	return ipafs_chain2(n);
}

/* recursion entered only from the scope */
static void *ipafs_rec_b(size_t n);

static void *ipafs_rec_a(size_t n)
{
	if (n > 8)
		return ipafs_rec_b(n / 2);
	return kmalloc(n, GFP_NOFS);
}

static void *ipafs_rec_b(size_t n)
{
	return ipafs_rec_a(n - 1);
}

/* recursion entered from the scope and from outside */
static void *ipafs_loop_y(size_t n);

static void *ipafs_loop_x(size_t n)
{
	if (n > 8)
		return ipafs_loop_y(n / 2);
	return kmalloc(n, GFP_NOFS);
}

static void *ipafs_loop_y(size_t n)
{
	return ipafs_loop_x(n - 1);
}

/* address taken three ways, though every direct call is in the scope */
struct ipafs_ops {
	void *(*alloc)(size_t n);
};

static void *ipafs_ops_alloc(size_t n)
{
	return kmalloc(n, GFP_NOFS);
}

static const struct ipafs_ops ipafs_ops = {
	.alloc = ipafs_ops_alloc,
};

static void ipafs_work_fn(struct work_struct *work)
{
	kfree(kmalloc(16, GFP_NOFS));
}

static void ipafs_cb_fn(void)
{
	kfree(kmalloc(8, GFP_NOFS));
}

static void (*ipafs_cb)(void) = ipafs_cb_fn;

/* a noio site under a nofs-only scope: not covered */
static void *ipafs_noio_helper(size_t n)
{
	return kmalloc(n, GFP_NOIO);
}

/* called only after the scope has been closed */
static void *ipafs_after_stop(size_t n)
{
	return kmalloc(n, GFP_NOFS);
}

/* runs in scope, but keeps the flags for later instead of allocating */
static gfp_t ipafs_stored_gfp;

static void ipafs_store_mask(void)
{
	ipafs_stored_gfp = GFP_NOFS;
}

void *ipafs_scoped(size_t n, struct work_struct *w)
{
	unsigned int flags = memalloc_nofs_save();
	void *p[12];

	p[0] = ipafs_only_in_scope(n);
	p[1] = ipafs_dual(n);
	p[2] = ipafs_chain1(n);
	p[3] = ipafs_rec_a(n);
	p[4] = ipafs_loop_x(n);
	p[5] = ipafs_ops_alloc(n);
	p[6] = ipafs_shared_helper(n);
	p[7] = ipafs_exported_helper(n);
	p[8] = ipafs_noio_helper(n);
	p[9] = ipafs_ops.alloc(n);
	ipafs_store_mask();
	ipafs_work_fn(w);
	ipafs_cb_fn();
	INIT_WORK(w, ipafs_work_fn);
	memalloc_nofs_restore(flags);
	p[10] = ipafs_after_stop(n);
	ipafs_cb();
	return p[0];
}

void *ipafs_unscoped(size_t n)
{
	return ipafs_dual(n);
}

void *ipafs_enter_loop(size_t n)
{
	return ipafs_loop_y(n);
}
