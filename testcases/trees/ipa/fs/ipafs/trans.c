// SPDX-License-Identifier: GPL-2.0-only
/* A transaction API with no scope in it: the what-if case. */
#include "ipafs.h"

struct ipafs_trans {
	int blocks;
};

static struct ipafs_trans ipafs_the_trans;

static struct ipafs_trans *ipafs_trans_start(int blocks)
{
	ipafs_the_trans.blocks = blocks;
	return &ipafs_the_trans;
}

static void ipafs_trans_stop(struct ipafs_trans *t)
{
	t->blocks = 0;
}

/* only ever called inside a transaction: converts if the transaction were a scope */
static void *ipafs_in_trans_helper(size_t n)
{
	return kzalloc(n, GFP_NOFS);
}

void *ipafs_do_trans(size_t n)
{
	struct ipafs_trans *t = ipafs_trans_start(1);
	void *p = ipafs_in_trans_helper(n);

	ipafs_trans_stop(t);
	return p;
}

/*
 * What whatif must not count: under the assumed scope, a callee that ends it
 * (ipafs_trans_finish() calls the assumed stop), and a callee that clears
 * PF_MEMALLOC_NOFS directly (bcachefs's trans_set_unlocked() does); the
 * allocations after them are outside any scope, assumed or not.
 */
static void ipafs_trans_finish(struct ipafs_trans *t)
{
	ipafs_trans_stop(t);
}

static void *ipafs_after_finish_helper(size_t n)
{
	return kzalloc(n, GFP_NOFS);
}

void *ipafs_do_trans_finish(size_t n)
{
	struct ipafs_trans *t = ipafs_trans_start(1);

	ipafs_trans_finish(t);
	return ipafs_after_finish_helper(n);
}

static void ipafs_drop_nofs(void)
{
	current->flags &= ~PF_MEMALLOC_NOFS;
}

static void *ipafs_after_drop_helper(size_t n)
{
	return kzalloc(n, GFP_NOFS);
}

void *ipafs_do_trans_unlocked(size_t n)
{
	struct ipafs_trans *t = ipafs_trans_start(1);
	void *p;

	ipafs_drop_nofs();
	p = ipafs_after_drop_helper(n);
	ipafs_trans_stop(t);
	return p;
}
