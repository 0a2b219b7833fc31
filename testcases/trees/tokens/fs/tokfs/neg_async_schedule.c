// SPDX-License-Identifier: GPL-2.0-only
/* Another task's handle: async_schedule() runs its function in a kworker, but the
 * shape (void *data, async_cookie_t cookie) is not one of ASYNC_SHAPES.
 * nas_helper() must stay keep.
 */
#include "tokfs.h"

typedef unsigned long long async_cookie_t;
void async_schedule(void (*fn)(void *data, async_cookie_t cookie), void *data);

struct nas_args {
	struct tok_trans *tp;
};

static void *nas_helper(struct tok_trans *tp, size_t n)
{
	tp->t_flags |= 2;
	return kmalloc(n, GFP_NOFS);
}

static void nas_fn(void *data, async_cookie_t cookie)
{
	struct nas_args *a = data;

	kfree(nas_helper(a->tp, 16));
}

void nas_queue(struct nas_args *a)
{
	async_schedule(nas_fn, a);
}
