// SPDX-License-Identifier: GPL-2.0-only
/* Not a token: a stop's caller frees the handle, but first hands it to a function that
 * allocates: that runs with a live handle and no scope.
 *
 * nubf_trans is an XFS-shaped handle (nubf_set_context() saves the nofs cookie in
 * tp->nubf_pflags, nubf_free() restores it and frees the handle), so nubf_work() is
 * converted when the type is a token. The code after it breaks the type: nubf_work()
 * must stay keep.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct nubf_trans {
	unsigned long nubf_pflags;
	unsigned int nubf_flags;
};

static struct kmem_cache *nubf_cache;

static inline void nubf_set_context(struct nubf_trans *tp)
{
	tp->nubf_pflags = memalloc_nofs_save();
}

static inline void nubf_clear_context(struct nubf_trans *tp)
{
	memalloc_nofs_restore(tp->nubf_pflags);
}

static void nubf_free(struct nubf_trans *tp)
{
	nubf_clear_context(tp);
	kmem_cache_free(nubf_cache, tp);
}

int nubf_alloc(struct nubf_trans **tpp)
{
	struct nubf_trans *tp;

	tp = kmem_cache_zalloc(nubf_cache, GFP_KERNEL);
	nubf_set_context(tp);
	*tpp = tp;
	return 0;
}

void nubf_commit(struct nubf_trans *tp)
{
	nubf_free(tp);
}

void *nubf_work(struct nubf_trans *tp, size_t n)
{
	tp->nubf_flags |= 1;
	return kmalloc(n, GFP_NOFS);
}

/* a stop's caller that frees the handle, but hands it to a function first: that
 * function runs with a live handle and no scope */
static void nubf_free_slow(struct nubf_trans *tp)
{
	nubf_clear_context(tp);
	kfree(nubf_work(tp, 16));
	kmem_cache_free(nubf_cache, tp);
}

void nubf_cancel_slow(struct nubf_trans *tp)
{
	nubf_free_slow(tp);
}
