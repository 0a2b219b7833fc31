// SPDX-License-Identifier: GPL-2.0-only
/* The transaction: its start saves the cookie in the handle, its commit restores it. */
#include "prcfs.h"

int prcfs_trans_alloc(struct prcfs_trans **tpp)
{
	struct prcfs_trans *tp = kmalloc(sizeof(*tp), GFP_KERNEL);

	if (!tp)
		return -ENOMEM;
	tp->pflags = memalloc_nofs_save();
	*tpp = tp;
	return 0;
}

void prcfs_trans_commit(struct prcfs_trans *tp)
{
	memalloc_nofs_restore(tp->pflags);
	kfree(tp);
}

void prcfs_work(void)
{
}

int prcfs_more(void)
{
	return 0;
}
