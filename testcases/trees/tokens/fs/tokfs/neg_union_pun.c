// SPDX-License-Identifier: GPL-2.0-only
/* Not a token: a handle made out of other memory through a union instead of a cast.
 *
 * nup_trans is an XFS-shaped handle (nup_set_context() saves the nofs cookie in
 * tp->nup_pflags, nup_free() restores it and frees the handle), so nup_work() is
 * converted when the type is a token. The code after it breaks the type: nup_work()
 * must stay keep.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct nup_trans {
	unsigned long nup_pflags;
	unsigned int nup_flags;
};

static struct kmem_cache *nup_cache;

static inline void nup_set_context(struct nup_trans *tp)
{
	tp->nup_pflags = memalloc_nofs_save();
}

static inline void nup_clear_context(struct nup_trans *tp)
{
	memalloc_nofs_restore(tp->nup_pflags);
}

static void nup_free(struct nup_trans *tp)
{
	nup_clear_context(tp);
	kmem_cache_free(nup_cache, tp);
}

int nup_alloc(struct nup_trans **tpp)
{
	struct nup_trans *tp;

	tp = kmem_cache_zalloc(nup_cache, GFP_KERNEL);
	nup_set_context(tp);
	*tpp = tp;
	return 0;
}

void nup_commit(struct nup_trans *tp)
{
	nup_free(tp);
}

void *nup_work(struct nup_trans *tp, size_t n)
{
	tp->nup_flags |= 1;
	return kmalloc(n, GFP_NOFS);
}

union nup_pun {
	struct nup_trans *tp;
	unsigned long *raw;
};

static unsigned long nup_raw[4];

/* a handle made by a union instead of a cast */
void *nup_pun_user(size_t n)
{
	union nup_pun u;

	u.raw = nup_raw;
	return nup_work(u.tp, n);
}
