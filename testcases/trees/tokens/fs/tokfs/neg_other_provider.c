// SPDX-License-Identifier: GPL-2.0-only
/* Not a token: another provider's scope (a lock that saves a cookie) ends while a handle
 * started inside it is live.
 *
 * nop_trans is an XFS-shaped handle (nop_set_context() saves the nofs cookie in
 * tp->nop_pflags, nop_free() restores it and frees the handle), so nop_work() is
 * converted when the type is a token. The code after it breaks the type: nop_work()
 * must stay keep.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct nop_trans {
	unsigned long nop_pflags;
	unsigned int nop_flags;
};

static struct kmem_cache *nop_cache;

static inline void nop_set_context(struct nop_trans *tp)
{
	tp->nop_pflags = memalloc_nofs_save();
}

static inline void nop_clear_context(struct nop_trans *tp)
{
	memalloc_nofs_restore(tp->nop_pflags);
}

static void nop_free(struct nop_trans *tp)
{
	nop_clear_context(tp);
	kmem_cache_free(nop_cache, tp);
}

int nop_alloc(struct nop_trans **tpp)
{
	struct nop_trans *tp;

	tp = kmem_cache_zalloc(nop_cache, GFP_KERNEL);
	nop_set_context(tp);
	*tpp = tp;
	return 0;
}

void nop_commit(struct nop_trans *tp)
{
	nop_free(tp);
}

void *nop_work(struct nop_trans *tp, size_t n)
{
	tp->nop_flags |= 1;
	return kmalloc(n, GFP_NOFS);
}

struct nop_lock {
	unsigned int nofs;
};

static void nop_lock_take(struct nop_lock *l)
{
	l->nofs = memalloc_nofs_save();
}

static void nop_lock_drop(struct nop_lock *l)
{
	memalloc_nofs_restore(l->nofs);
}

/* another provider's scope (a lock that saves a cookie) is dropped while a handle
 * started inside it is live: the drop restores the older cookie */
void *nop_under_lock(struct nop_lock *l, size_t n)
{
	struct nop_trans *tp;
	void *p;

	nop_lock_take(l);
	nop_alloc(&tp);
	nop_lock_drop(l);
	p = nop_work(tp, n);
	nop_commit(tp);
	return p;
}
