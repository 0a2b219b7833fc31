// SPDX-License-Identifier: GPL-2.0-only
/* Not a token: a second constructor allocates into a void * and assigns it: no creation
 * is seen.
 *
 * nva_trans is an XFS-shaped handle (nva_set_context() saves the nofs cookie in
 * tp->nva_pflags, nva_free() restores it and frees the handle), so nva_work() is
 * converted when the type is a token. The code after it breaks the type: nva_work()
 * must stay keep.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct nva_trans {
	unsigned long nva_pflags;
	unsigned int nva_flags;
};

static struct kmem_cache *nva_cache;

static inline void nva_set_context(struct nva_trans *tp)
{
	tp->nva_pflags = memalloc_nofs_save();
}

static inline void nva_clear_context(struct nva_trans *tp)
{
	memalloc_nofs_restore(tp->nva_pflags);
}

static void nva_free(struct nva_trans *tp)
{
	nva_clear_context(tp);
	kmem_cache_free(nva_cache, tp);
}

int nva_alloc(struct nva_trans **tpp)
{
	struct nva_trans *tp;

	tp = kmem_cache_zalloc(nva_cache, GFP_KERNEL);
	nva_set_context(tp);
	*tpp = tp;
	return 0;
}

void nva_commit(struct nva_trans *tp)
{
	nva_free(tp);
}

void *nva_work(struct nva_trans *tp, size_t n)
{
	tp->nva_flags |= 1;
	return kmalloc(n, GFP_NOFS);
}

/* a second constructor: the allocation goes through a void *, so no creation is seen */
void *nva_bare(size_t n)
{
	void *mem = kmem_cache_zalloc(nva_cache, GFP_KERNEL);
	struct nva_trans *tp = mem;

	return nva_work(tp, n);
}
