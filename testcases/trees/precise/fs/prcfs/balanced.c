// SPDX-License-Identifier: GPL-2.0-only
/* Balanced functions: every restore or stop closes a scope the function opened itself,
 * so the scope its caller holds goes on. Each has a twin that ends the caller's scope. */
#include "prcfs.h"

/* after its own noio pair, the caller's nofs scope is still open */
static void *prcfs_after_own(size_t n)
{
	unsigned int c = memalloc_noio_save();

	prcfs_work();
	memalloc_noio_restore(c);
	return kmalloc(n, GFP_NOFS);
}

void *prcfs_after_own_user(size_t n)
{
	unsigned int c = memalloc_nofs_save();
	void *p = prcfs_after_own(n);

	memalloc_nofs_restore(c);
	return p;
}

/* twin: it restores the caller's cookie, handed to it */
static void *prcfs_after_param(unsigned int c, size_t n)
{
	memalloc_nofs_restore(c);
	return kmalloc(n, GFP_NOFS);
}

void *prcfs_after_param_user(size_t n)
{
	unsigned int c = memalloc_nofs_save();

	return prcfs_after_param(c, n);
}

/* twin: its save is conditional, so the restore may put back a flag it never saved */
static void *prcfs_after_cond(int a, size_t n)
{
	unsigned int c = 0;

	if (a)
		c = memalloc_nofs_save();
	memalloc_nofs_restore(c);
	return kmalloc(n, GFP_NOFS);
}

void *prcfs_after_cond_user(int a, size_t n)
{
	unsigned int c = memalloc_nofs_save();
	void *p = prcfs_after_cond(a, n);

	memalloc_nofs_restore(c);
	return p;
}

/* a function with its own transaction: a call to it does not end the caller's scope */
static void prcfs_tx_pair(void)
{
	struct prcfs_trans *tp;

	if (prcfs_trans_alloc(&tp))
		return;
	prcfs_work();
	prcfs_trans_commit(tp);
}

void *prcfs_tx_user(size_t n)
{
	unsigned int c = memalloc_nofs_save();
	void *p;

	prcfs_tx_pair();
	p = kmalloc(n, GFP_NOFS);
	memalloc_nofs_restore(c);
	return p;
}

/* twin: it commits a transaction its caller started */
static void prcfs_tx_other(struct prcfs_trans *tp)
{
	prcfs_trans_commit(tp);
}

void *prcfs_tx_other_user(struct prcfs_trans *tp, size_t n)
{
	unsigned int c = memalloc_nofs_save();
	void *p;

	prcfs_tx_other(tp);
	p = kmalloc(n, GFP_NOFS);
	memalloc_nofs_restore(c);
	return p;
}
