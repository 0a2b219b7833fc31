// SPDX-License-Identifier: GPL-2.0-only
/* Not a token: a handle made by a compound literal: not a pointer, never allocated or
 * opened.
 *
 * ncl_trans is an XFS-shaped handle (ncl_set_context() saves the nofs cookie in
 * tp->ncl_pflags, ncl_free() restores it and frees the handle), so ncl_work() is
 * converted when the type is a token. The code after it breaks the type: ncl_work()
 * must stay keep.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct ncl_trans {
	unsigned long ncl_pflags;
	unsigned int ncl_flags;
};

static struct kmem_cache *ncl_cache;

static inline void ncl_set_context(struct ncl_trans *tp)
{
	tp->ncl_pflags = memalloc_nofs_save();
}

static inline void ncl_clear_context(struct ncl_trans *tp)
{
	memalloc_nofs_restore(tp->ncl_pflags);
}

static void ncl_free(struct ncl_trans *tp)
{
	ncl_clear_context(tp);
	kmem_cache_free(ncl_cache, tp);
}

int ncl_alloc(struct ncl_trans **tpp)
{
	struct ncl_trans *tp;

	tp = kmem_cache_zalloc(ncl_cache, GFP_KERNEL);
	ncl_set_context(tp);
	*tpp = tp;
	return 0;
}

void ncl_commit(struct ncl_trans *tp)
{
	ncl_free(tp);
}

void *ncl_work(struct ncl_trans *tp, size_t n)
{
	tp->ncl_flags |= 1;
	return kmalloc(n, GFP_NOFS);
}

/* an object made by a compound literal: never allocated, never opened */
void *ncl_literal_user(size_t n)
{
	return ncl_work(&(struct ncl_trans){ .ncl_flags = 1 }, n);
}
