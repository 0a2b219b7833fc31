// SPDX-License-Identifier: GPL-2.0-only
/* Another task's handle: the worker calls a function pointer that is set at run time
 * (not an ops table's designated initializer), so the ownership walk finds no caller
 * of nwf_target() and does not reach the worker. nwf_target() must stay keep.
 */
#include "tokfs.h"

struct nwf_call {
	struct work_struct work;
	void *(*fn)(struct tok_trans *tp, size_t n);
	struct tok_trans *tp;
};

static void *nwf_target(struct tok_trans *tp, size_t n)
{
	tp->t_flags |= 2;
	return kmalloc(n, GFP_NOFS);
}

static void nwf_worker(struct work_struct *work)
{
	struct nwf_call *c = (struct nwf_call *)work;

	kfree(c->fn(c->tp, 16));
}

void nwf_queue(struct nwf_call *c, struct tok_trans *tp)
{
	c->fn = nwf_target;
	c->tp = tp;
	INIT_WORK(&c->work, nwf_worker);
}
