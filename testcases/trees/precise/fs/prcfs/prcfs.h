/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _PRCFS_H
#define _PRCFS_H
#include <linux/slab.h>
#include <linux/sched/mm.h>

/* a header macro that calls a static helper by name: any file that has none of its own may use it */
#define PRCFS_FILL2(n)	prcfs_fill2(n)

void prcfs_work(void);

/* a transaction that keeps its cookie in the handle, as xfs's t_pflags */
struct prcfs_trans {
	unsigned int pflags;
};
int prcfs_trans_alloc(struct prcfs_trans **tpp);
void prcfs_trans_commit(struct prcfs_trans *tp);
#endif
