// SPDX-License-Identifier: GPL-2.0-only
/* A handle type like tokfs's, but one function restores an older cookie while a handle
 * it started is live: the handle outlives its scope there, so the type is no token. */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct ilv_trans {
	unsigned long saved;
	int flags;
};

void ilv_start(struct ilv_trans *h)
{
	h->saved = memalloc_nofs_save();
}

void ilv_stop(struct ilv_trans *h)
{
	memalloc_nofs_restore(h->saved);
}

struct ilv_trans *ilv_new(void)
{
	struct ilv_trans *h = kzalloc(sizeof(*h), GFP_KERNEL);

	ilv_start(h);
	return h;
}

void ilv_free(struct ilv_trans *h)
{
	ilv_stop(h);
	kfree(h);
}

void *ilv_work(struct ilv_trans *h)
{
	h->flags |= 1;
	return kmalloc(8, GFP_NOFS);
}

void ilv_interleaved(void)
{
	unsigned int c = memalloc_nofs_save();
	struct ilv_trans *h = ilv_new();

	memalloc_nofs_restore(c);
	kfree(ilv_work(h));
	ilv_free(h);
}
