// SPDX-License-Identifier: GPL-2.0-only
/* Another task's handle: an ops table with a positional initializer is called from a
 * work item. Only designated initializers (.run = f) tie f to ->run(), so the walk
 * from npo_target() does not reach the worker. npo_target() must stay keep.
 */
#include "tokfs.h"

struct npo_ops {
	void *(*run)(struct tok_trans *tp, size_t n);
};

struct npo_call {
	struct work_struct work;
	struct tok_trans *tp;
};

static void *npo_target(struct tok_trans *tp, size_t n)
{
	tp->t_flags |= 2;
	return kmalloc(n, GFP_NOFS);
}

static const struct npo_ops npo_ops = { npo_target };

static void npo_worker(struct work_struct *work)
{
	struct npo_call *c = (struct npo_call *)work;

	kfree(npo_ops.run(c->tp, 16));
}

void npo_queue(struct npo_call *c)
{
	INIT_WORK(&c->work, npo_worker);
}
