// SPDX-License-Identifier: GPL-2.0-only
/*
 * Negative: only one branch of the if/else opens the scope; the
 * allocation after the if is reached through the other branch without it.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct foo_ctx {
	bool locked;
	unsigned int nofs;
	void *buf;
};

int foo_ctx_begin(struct foo_ctx *ctx, size_t len)
{
	if (ctx->locked) {
		ctx->nofs = memalloc_nofs_save();
	} else {
		ctx->nofs = 0;
	}
	ctx->buf = kmalloc(len, GFP_NOFS);
	if (ctx->locked)
		memalloc_nofs_restore(ctx->nofs);
	return ctx->buf ? 0 : -ENOMEM;
}
