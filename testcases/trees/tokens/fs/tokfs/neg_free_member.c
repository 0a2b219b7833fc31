// SPDX-License-Identifier: GPL-2.0-only
/* Not a token: kfree(tp->member) after the stop counts as freeing the handle.
 *
 * nfm_trans is an XFS-shaped handle (nfm_set_context() saves the nofs cookie in
 * tp->nfm_pflags, nfm_free() restores it and frees the handle), so nfm_work() is
 * converted when the type is a token. The code after it breaks the type: nfm_work()
 * must stay keep.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct nfm_trans {
	unsigned long nfm_pflags;
	unsigned int nfm_flags;
	void *nfm_log;
};

static struct kmem_cache *nfm_cache;

static inline void nfm_set_context(struct nfm_trans *tp)
{
	tp->nfm_pflags = memalloc_nofs_save();
}

static inline void nfm_clear_context(struct nfm_trans *tp)
{
	memalloc_nofs_restore(tp->nfm_pflags);
}

static void nfm_free(struct nfm_trans *tp)
{
	nfm_clear_context(tp);
	kmem_cache_free(nfm_cache, tp);
}

int nfm_alloc(struct nfm_trans **tpp)
{
	struct nfm_trans *tp;

	tp = kmem_cache_zalloc(nfm_cache, GFP_KERNEL);
	nfm_set_context(tp);
	*tpp = tp;
	return 0;
}

void nfm_commit(struct nfm_trans *tp)
{
	nfm_free(tp);
}

void *nfm_work(struct nfm_trans *tp, size_t n)
{
	tp->nfm_flags |= 1;
	return kmalloc(n, GFP_NOFS);
}

/* freeing a member of the handle counts as freeing the handle itself */
void *nfm_drop_log(struct nfm_trans *tp, size_t n)
{
	nfm_clear_context(tp);
	kfree(tp->nfm_log);
	return nfm_work(tp, n);
}
