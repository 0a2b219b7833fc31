// SPDX-License-Identifier: GPL-2.0-only
/* Not a token: the function that restores an older cookie while a handle is live has a
 * static namesake in neg_interleave_namesake2.c: it is not read.
 *
 * nin_trans is an XFS-shaped handle (nin_set_context() saves the nofs cookie in
 * tp->nin_pflags, nin_free() restores it and frees the handle), so nin_work() is
 * converted when the type is a token. The code after it breaks the type: nin_work()
 * must stay keep.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct nin_trans {
	unsigned long nin_pflags;
	unsigned int nin_flags;
};

static struct kmem_cache *nin_cache;

static inline void nin_set_context(struct nin_trans *tp)
{
	tp->nin_pflags = memalloc_nofs_save();
}

static inline void nin_clear_context(struct nin_trans *tp)
{
	memalloc_nofs_restore(tp->nin_pflags);
}

static void nin_free(struct nin_trans *tp)
{
	nin_clear_context(tp);
	kmem_cache_free(nin_cache, tp);
}

int nin_alloc(struct nin_trans **tpp)
{
	struct nin_trans *tp;

	tp = kmem_cache_zalloc(nin_cache, GFP_KERNEL);
	nin_set_context(tp);
	*tpp = tp;
	return 0;
}

void nin_commit(struct nin_trans *tp)
{
	nin_free(tp);
}

void *nin_work(struct nin_trans *tp, size_t n)
{
	tp->nin_flags |= 1;
	return kmalloc(n, GFP_NOFS);
}

/* the function that interleaves has a static namesake in another file (neg_interleave_namesake2.c):
 * its text is not read, so the interleaving is not seen */
static void *nin_twice(size_t n)
{
	unsigned int c = memalloc_nofs_save();
	struct nin_trans *tp;
	void *p;

	nin_alloc(&tp);
	memalloc_nofs_restore(c);
	p = nin_work(tp, n);
	nin_commit(tp);
	return p;
}

void *nin_twice_user(size_t n)
{
	return nin_twice(n);
}
