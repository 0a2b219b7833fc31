// SPDX-License-Identifier: GPL-2.0-only
/*
 * A transaction API as xfs has it (issue 13, defect 2): a start that returns
 * the transaction or an ERR_PTR, and an int wrapper of it that hands the
 * transaction out through a pointer. The wrapper's shape is int (its own
 * return type): `if (!error) return commit(tp);` falls through on failure.
 */
#include "sndfs.h"

struct sndfs_trans {
	unsigned int t_pflags;
	int t_blocks;
};

static struct sndfs_trans sndfs_transs[4];
static int sndfs_log_full;

static struct sndfs_trans *sndfs_trans_alloc(int blocks)
{
	struct sndfs_trans *tp = &sndfs_transs[blocks & 3];

	if (sndfs_log_full)
		return ERR_PTR(-ENOSPC);
	tp->t_blocks = blocks;
	tp->t_pflags = memalloc_nofs_save();
	return tp;
}

static int sndfs_trans_commit(struct sndfs_trans *tp)
{
	tp->t_blocks = 0;
	memalloc_nofs_restore(tp->t_pflags);
	return 0;
}

/* xfs_trans_alloc_inode()-like: int, the transaction through *tpp */
static int sndfs_trans_alloc_int(int blocks, struct sndfs_trans **tpp)
{
	struct sndfs_trans *tp;

	tp = sndfs_trans_alloc(blocks);
	if (IS_ERR(tp))
		return PTR_ERR(tp);
	*tpp = tp;
	return 0;
}

/* a macro that commits: the scope ends through it */
#define sndfs_finish(tp)	sndfs_trans_commit(tp)

/* the failure of the int wrapper falls through to the allocation: keep */
void *sndfs_wrapper_misuse(size_t n)
{
	struct sndfs_trans *tp;
	int error;

	error = sndfs_trans_alloc_int(4, &tp);
	if (!error) {
		sndfs_trans_commit(tp);
		return NULL;
	}
	return kmalloc(n, GFP_NOFS);
}

/* the right test of the int wrapper: convert */
void *sndfs_wrapper_user(size_t n)
{
	struct sndfs_trans *tp;
	void *p;
	int error;

	error = sndfs_trans_alloc_int(4, &tp);
	if (error)
		return ERR_PTR(error);
	p = kmalloc(n, GFP_NOFS);
	sndfs_trans_commit(tp);
	return p;
}

/* the pointer start, tested as a pointer: convert */
void *sndfs_ptr_user(size_t n)
{
	struct sndfs_trans *tp;
	void *p;

	tp = sndfs_trans_alloc(8);
	if (IS_ERR(tp))
		return tp;
	p = kmalloc(n, GFP_NOFS);
	sndfs_trans_commit(tp);
	return p;
}

/* the transaction ends through a macro before the allocation: keep */
void *sndfs_macro_commit(size_t n)
{
	struct sndfs_trans *tp;
	void *p;

	tp = sndfs_trans_alloc(8);
	if (IS_ERR(tp))
		return tp;
	sndfs_finish(tp);
	p = kmalloc(n, GFP_NOFS);
	return p;
}
