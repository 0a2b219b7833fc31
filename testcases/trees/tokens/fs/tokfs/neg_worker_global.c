// SPDX-License-Identifier: GPL-2.0-only
/* Another task's handle: a work item reads the handle from a global, not from a field,
 * so it is not seen as a task entry that can get another task's handle.
 * nwg_helper() must stay keep.
 */
#include "tokfs.h"

struct tok_trans *nwg_current_tp;

static void *nwg_helper(struct tok_trans *tp, size_t n)
{
	tp->t_flags |= 2;
	return kmalloc(n, GFP_NOFS);
}

static void nwg_worker(struct work_struct *work)
{
	kfree(nwg_helper(nwg_current_tp, 16));
}

void nwg_queue(struct work_struct *work)
{
	INIT_WORK(work, nwg_worker);
}
