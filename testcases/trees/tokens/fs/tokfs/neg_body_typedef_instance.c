// SPDX-License-Identifier: GPL-2.0-only
/* Not a token: an instance spelled with the typedef that the struct's own definition makes (typedef struct T {...} T_t;).
 *
 * nbi_trans is an XFS-shaped handle (nbi_set_context() saves the nofs cookie in
 * tp->nbi_pflags, nbi_free() restores it and frees the handle), so nbi_work() is
 * converted when the type is a token. The code after it breaks the type: nbi_work()
 * must stay keep.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

typedef struct nbi_trans {
	unsigned long nbi_pflags;
	unsigned int nbi_flags;
} nbi_trans_t;

static struct kmem_cache *nbi_cache;

static inline void nbi_set_context(struct nbi_trans *tp)
{
	tp->nbi_pflags = memalloc_nofs_save();
}

static inline void nbi_clear_context(struct nbi_trans *tp)
{
	memalloc_nofs_restore(tp->nbi_pflags);
}

static void nbi_free(struct nbi_trans *tp)
{
	nbi_clear_context(tp);
	kmem_cache_free(nbi_cache, tp);
}

int nbi_alloc(struct nbi_trans **tpp)
{
	struct nbi_trans *tp;

	tp = kmem_cache_zalloc(nbi_cache, GFP_KERNEL);
	nbi_set_context(tp);
	*tpp = tp;
	return 0;
}

void nbi_commit(struct nbi_trans *tp)
{
	nbi_free(tp);
}

void *nbi_work(struct nbi_trans *tp, size_t n)
{
	tp->nbi_flags |= 1;
	return kmalloc(n, GFP_NOFS);
}

/* an object that no start opened */
static nbi_trans_t nbi_spare;

void *nbi_spare_work(size_t n)
{
	return nbi_work(&nbi_spare, n);
}
