// SPDX-License-Identifier: GPL-2.0-only
/* Not a token: a second constructor allocates straight into a field of a struct a header
 * defines: spatch cannot type the field, so no creation is seen.
 *
 * nfa_trans is an XFS-shaped handle (nfa_set_context() saves the nofs cookie in
 * tp->nfa_pflags, nfa_free() restores it and frees the handle), so nfa_work() is
 * converted when the type is a token. The code after it breaks the type: nfa_work()
 * must stay keep.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct nfa_trans {
	unsigned long nfa_pflags;
	unsigned int nfa_flags;
};

static struct kmem_cache *nfa_cache;

static inline void nfa_set_context(struct nfa_trans *tp)
{
	tp->nfa_pflags = memalloc_nofs_save();
}

static inline void nfa_clear_context(struct nfa_trans *tp)
{
	memalloc_nofs_restore(tp->nfa_pflags);
}

static void nfa_free(struct nfa_trans *tp)
{
	nfa_clear_context(tp);
	kmem_cache_free(nfa_cache, tp);
}

int nfa_alloc(struct nfa_trans **tpp)
{
	struct nfa_trans *tp;

	tp = kmem_cache_zalloc(nfa_cache, GFP_KERNEL);
	nfa_set_context(tp);
	*tpp = tp;
	return 0;
}

void nfa_commit(struct nfa_trans *tp)
{
	nfa_free(tp);
}

void *nfa_work(struct nfa_trans *tp, size_t n)
{
	tp->nfa_flags |= 1;
	return kmalloc(n, GFP_NOFS);
}

#include "neg_field_alloc.h"

/* a second constructor: the new handle goes straight into a field of a struct the
 * header defines */
void *nfa_into_field(struct nfa_holder *h, size_t n)
{
	h->tp = kmem_cache_zalloc(nfa_cache, GFP_KERNEL);
	return nfa_work(h->tp, n);
}
