// SPDX-License-Identifier: GPL-2.0-only
/*
 * Negative: the cookie is restored early on one path, which then falls
 * through to the allocation outside any scope.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct foo_trans {
	bool committed;
	void *log;
};

int foo_trans_log(struct foo_trans *tp, size_t len)
{
	unsigned int nofs_flag;
	bool scoped = true;

	nofs_flag = memalloc_nofs_save();
	if (tp->committed) {
		memalloc_nofs_restore(nofs_flag);
		scoped = false;
	}
	tp->log = kmalloc(len, GFP_NOFS);
	if (scoped)
		memalloc_nofs_restore(nofs_flag);
	return 0;
}
