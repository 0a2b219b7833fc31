// SPDX-License-Identifier: GPL-2.0-only
/* Not a token: a creator hands the new handle to a function before it opens the scope.
 *
 * nubo_trans is an XFS-shaped handle (nubo_set_context() saves the nofs cookie in
 * tp->nubo_pflags, nubo_free() restores it and frees the handle), so nubo_work() is
 * converted when the type is a token. The code after it breaks the type: nubo_work()
 * must stay keep.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct nubo_trans {
	unsigned long nubo_pflags;
	unsigned int nubo_flags;
};

static struct kmem_cache *nubo_cache;

static inline void nubo_set_context(struct nubo_trans *tp)
{
	tp->nubo_pflags = memalloc_nofs_save();
}

static inline void nubo_clear_context(struct nubo_trans *tp)
{
	memalloc_nofs_restore(tp->nubo_pflags);
}

static void nubo_free(struct nubo_trans *tp)
{
	nubo_clear_context(tp);
	kmem_cache_free(nubo_cache, tp);
}

int nubo_alloc(struct nubo_trans **tpp)
{
	struct nubo_trans *tp;

	tp = kmem_cache_zalloc(nubo_cache, GFP_KERNEL);
	nubo_set_context(tp);
	*tpp = tp;
	return 0;
}

void nubo_commit(struct nubo_trans *tp)
{
	nubo_free(tp);
}

void *nubo_work(struct nubo_trans *tp, size_t n)
{
	tp->nubo_flags |= 1;
	return kmalloc(n, GFP_NOFS);
}

static void nubo_init(struct nubo_trans *tp)
{
	kfree(nubo_work(tp, 32));
}

/* a creator that hands the new handle to a function before it opens the scope */
int nubo_alloc_early(struct nubo_trans **tpp)
{
	struct nubo_trans *tp;

	tp = kmem_cache_zalloc(nubo_cache, GFP_KERNEL);
	nubo_init(tp);
	nubo_set_context(tp);
	*tpp = tp;
	return 0;
}
