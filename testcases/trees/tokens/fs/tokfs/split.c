// SPDX-License-Identifier: GPL-2.0-only
/* Hand-offs: a work item runs in another task. A handle it reads from memory is
 * another task's and covers nothing there (keep), unless the worker re-enters the
 * handle's scope first, as xfs_btree_split_worker() does (convert). */
#include "tokfs.h"

struct tok_split_args {
	struct work_struct work;
	struct tok_cursor *cur;
};

/* twin: reached from a work item with another task's handle */
static void *tok_split_helper(struct tok_trans *tp, size_t n)
{
	tp->t_flags |= 2;
	return kmalloc(n, GFP_NOFS);
}

static void tok_split_worker(struct work_struct *work)
{
	struct tok_split_args *args = (struct tok_split_args *)work;

	kfree(tok_split_helper(args->cur->bc_tp, 16));
}

/* the worker that re-enters the scope from the handle: convert */
static void *tok_reenter_helper(struct tok_trans *tp, size_t n)
{
	tp->t_flags |= 2;
	return kmalloc(n, GFP_NOFS);
}

static void tok_reenter_worker(struct work_struct *work)
{
	struct tok_split_args *args = (struct tok_split_args *)work;

	tok_trans_set_context(args->cur->bc_tp);
	kfree(tok_reenter_helper(args->cur->bc_tp, 16));
	tok_trans_clear_context(args->cur->bc_tp);
}

void tok_split_queue(struct tok_split_args *args, int reenter)
{
	if (reenter)
		INIT_WORK(&args->work, tok_reenter_worker);
	else
		INIT_WORK(&args->work, tok_split_worker);
}
