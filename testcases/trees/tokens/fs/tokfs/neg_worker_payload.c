// SPDX-License-Identifier: GPL-2.0-only
/* Another task's handle: a generic job carries the handle as a void * payload, so the
 * worker reads no field declared as a handle. nwp_helper() must stay keep.
 */
#include "tokfs.h"

struct nwp_job {
	struct work_struct work;
	void *priv;
};

static void *nwp_helper(struct tok_trans *tp, size_t n)
{
	tp->t_flags |= 2;
	return kmalloc(n, GFP_NOFS);
}

static void nwp_worker(struct work_struct *work)
{
	struct nwp_job *job = (struct nwp_job *)work;

	kfree(nwp_helper(job->priv, 16));
}

void nwp_queue(struct nwp_job *job, struct tok_trans *tp)
{
	job->priv = tp;
	INIT_WORK(&job->work, nwp_worker);
}
