// SPDX-License-Identifier: GPL-2.0-only
/* Not a token: a stop's caller calls a *free*-named function that does not free the
 * handle (xfs_trans_free_dqinfo()'s name): the handle lives on.
 *
 * nfn_trans is an XFS-shaped handle (nfn_set_context() saves the nofs cookie in
 * tp->nfn_pflags, nfn_free() restores it and frees the handle), so nfn_work() is
 * converted when the type is a token. The code after it breaks the type: nfn_work()
 * must stay keep.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct nfn_trans {
	unsigned long nfn_pflags;
	unsigned int nfn_flags;
};

static struct kmem_cache *nfn_cache;

static inline void nfn_set_context(struct nfn_trans *tp)
{
	tp->nfn_pflags = memalloc_nofs_save();
}

static inline void nfn_clear_context(struct nfn_trans *tp)
{
	memalloc_nofs_restore(tp->nfn_pflags);
}

static void nfn_free(struct nfn_trans *tp)
{
	nfn_clear_context(tp);
	kmem_cache_free(nfn_cache, tp);
}

int nfn_alloc(struct nfn_trans **tpp)
{
	struct nfn_trans *tp;

	tp = kmem_cache_zalloc(nfn_cache, GFP_KERNEL);
	nfn_set_context(tp);
	*tpp = tp;
	return 0;
}

void nfn_commit(struct nfn_trans *tp)
{
	nfn_free(tp);
}

void *nfn_work(struct nfn_trans *tp, size_t n)
{
	tp->nfn_flags |= 1;
	return kmalloc(n, GFP_NOFS);
}

void nfn_free_dqinfo(struct nfn_trans *tp);

/* a stop's caller that calls a function named *free* on the handle, which does not
 * free it: the handle lives on outside its scope */
void nfn_detach(struct nfn_trans *tp)
{
	nfn_clear_context(tp);
	nfn_free_dqinfo(tp);
}

void *nfn_after_detach(struct nfn_trans *tp, size_t n)
{
	nfn_detach(tp);
	return nfn_work(tp, n);
}
