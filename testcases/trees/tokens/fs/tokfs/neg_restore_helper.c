// SPDX-License-Identifier: GPL-2.0-only
/* Not a token: an older cookie is restored through a helper while a handle started after
 * it is live: the helper counts as a stop of the handle.
 *
 * nrh_trans is an XFS-shaped handle (nrh_set_context() saves the nofs cookie in
 * tp->nrh_pflags, nrh_free() restores it and frees the handle), so nrh_work() is
 * converted when the type is a token. The code after it breaks the type: nrh_work()
 * must stay keep.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct nrh_trans {
	unsigned long nrh_pflags;
	unsigned int nrh_flags;
};

static struct kmem_cache *nrh_cache;

static inline void nrh_set_context(struct nrh_trans *tp)
{
	tp->nrh_pflags = memalloc_nofs_save();
}

static inline void nrh_clear_context(struct nrh_trans *tp)
{
	memalloc_nofs_restore(tp->nrh_pflags);
}

static void nrh_free(struct nrh_trans *tp)
{
	nrh_clear_context(tp);
	kmem_cache_free(nrh_cache, tp);
}

int nrh_alloc(struct nrh_trans **tpp)
{
	struct nrh_trans *tp;

	tp = kmem_cache_zalloc(nrh_cache, GFP_KERNEL);
	nrh_set_context(tp);
	*tpp = tp;
	return 0;
}

void nrh_commit(struct nrh_trans *tp)
{
	nrh_free(tp);
}

void *nrh_work(struct nrh_trans *tp, size_t n)
{
	tp->nrh_flags |= 1;
	return kmalloc(n, GFP_NOFS);
}

static void nrh_restore(unsigned int c)
{
	memalloc_nofs_restore(c);
}

/* an older cookie restored through a helper while a handle started after it is
 * live: the helper counts as a stop of the handle, so no interleaving is seen */
void *nrh_interleaved(size_t n)
{
	unsigned int c = memalloc_nofs_save();
	struct nrh_trans *tp;
	void *p;

	nrh_alloc(&tp);
	nrh_restore(c);
	p = nrh_work(tp, n);
	nrh_commit(tp);
	return p;
}
