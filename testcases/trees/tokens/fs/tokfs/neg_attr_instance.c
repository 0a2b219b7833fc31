// SPDX-License-Identifier: GPL-2.0-only
/* Not a token: an instance with an attribute before its semicolon: the instance check
 * misses it.
 *
 * nai_trans is an XFS-shaped handle (nai_set_context() saves the nofs cookie in
 * tp->nai_pflags, nai_free() restores it and frees the handle), so nai_work() is
 * converted when the type is a token. The code after it breaks the type: nai_work()
 * must stay keep.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct nai_trans {
	unsigned long nai_pflags;
	unsigned int nai_flags;
};

static struct kmem_cache *nai_cache;

static inline void nai_set_context(struct nai_trans *tp)
{
	tp->nai_pflags = memalloc_nofs_save();
}

static inline void nai_clear_context(struct nai_trans *tp)
{
	memalloc_nofs_restore(tp->nai_pflags);
}

static void nai_free(struct nai_trans *tp)
{
	nai_clear_context(tp);
	kmem_cache_free(nai_cache, tp);
}

int nai_alloc(struct nai_trans **tpp)
{
	struct nai_trans *tp;

	tp = kmem_cache_zalloc(nai_cache, GFP_KERNEL);
	nai_set_context(tp);
	*tpp = tp;
	return 0;
}

void nai_commit(struct nai_trans *tp)
{
	nai_free(tp);
}

void *nai_work(struct nai_trans *tp, size_t n)
{
	tp->nai_flags |= 1;
	return kmalloc(n, GFP_NOFS);
}

/* an instance with an attribute between its name and the semicolon */
static struct nai_trans nai_spare_trans __attribute__((unused));

void *nai_spare_user(size_t n)
{
	return nai_work(&nai_spare_trans, n);
}
