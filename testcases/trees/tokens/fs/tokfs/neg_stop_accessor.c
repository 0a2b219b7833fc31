// SPDX-License-Identifier: GPL-2.0-only
/* Not a token: a second stop reads the cookie through an accessor: its text does not
 * name the field, so its callers are not checked.
 *
 * nsa_trans is an XFS-shaped handle (nsa_set_context() saves the nofs cookie in
 * tp->nsa_pflags, nsa_free() restores it and frees the handle), so nsa_work() is
 * converted when the type is a token. The code after it breaks the type: nsa_work()
 * must stay keep.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct nsa_trans {
	unsigned long nsa_pflags;
	unsigned int nsa_flags;
};

static struct kmem_cache *nsa_cache;

static inline void nsa_set_context(struct nsa_trans *tp)
{
	tp->nsa_pflags = memalloc_nofs_save();
}

static inline void nsa_clear_context(struct nsa_trans *tp)
{
	memalloc_nofs_restore(tp->nsa_pflags);
}

static void nsa_free(struct nsa_trans *tp)
{
	nsa_clear_context(tp);
	kmem_cache_free(nsa_cache, tp);
}

int nsa_alloc(struct nsa_trans **tpp)
{
	struct nsa_trans *tp;

	tp = kmem_cache_zalloc(nsa_cache, GFP_KERNEL);
	nsa_set_context(tp);
	*tpp = tp;
	return 0;
}

void nsa_commit(struct nsa_trans *tp)
{
	nsa_free(tp);
}

void *nsa_work(struct nsa_trans *tp, size_t n)
{
	tp->nsa_flags |= 1;
	return kmalloc(n, GFP_NOFS);
}

static inline unsigned long nsa_saved(struct nsa_trans *tp)
{
	return tp->nsa_pflags;
}

/* a second stop that reads the cookie through an accessor: its text does not name
 * ->nsa_pflags, so its callers are not checked, and this one keeps the handle */
static inline void nsa_suspend(struct nsa_trans *tp)
{
	memalloc_nofs_restore(nsa_saved(tp));
}

void *nsa_suspended_work(struct nsa_trans *tp, size_t n)
{
	nsa_suspend(tp);
	return nsa_work(tp, n);
}
