// SPDX-License-Identifier: GPL-2.0-only
/* Not a token: one function calls the stop twice: only the first call's handle is
 * checked for a free.
 *
 * nts_trans is an XFS-shaped handle (nts_set_context() saves the nofs cookie in
 * tp->nts_pflags, nts_free() restores it and frees the handle), so nts_work() is
 * converted when the type is a token. The code after it breaks the type: nts_work()
 * must stay keep.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct nts_trans {
	unsigned long nts_pflags;
	unsigned int nts_flags;
};

static struct kmem_cache *nts_cache;

static inline void nts_set_context(struct nts_trans *tp)
{
	tp->nts_pflags = memalloc_nofs_save();
}

static inline void nts_clear_context(struct nts_trans *tp)
{
	memalloc_nofs_restore(tp->nts_pflags);
}

static void nts_free(struct nts_trans *tp)
{
	nts_clear_context(tp);
	kmem_cache_free(nts_cache, tp);
}

int nts_alloc(struct nts_trans **tpp)
{
	struct nts_trans *tp;

	tp = kmem_cache_zalloc(nts_cache, GFP_KERNEL);
	nts_set_context(tp);
	*tpp = tp;
	return 0;
}

void nts_commit(struct nts_trans *tp)
{
	nts_free(tp);
}

void *nts_work(struct nts_trans *tp, size_t n)
{
	tp->nts_flags |= 1;
	return kmalloc(n, GFP_NOFS);
}

/* two stops in one function: only the first one's argument is checked for a free */
void *nts_two_stops(struct nts_trans *a, struct nts_trans *b, size_t n)
{
	nts_clear_context(a);
	kmem_cache_free(nts_cache, a);
	nts_clear_context(b);
	return nts_work(b, n);
}
