// SPDX-License-Identifier: GPL-2.0-only
/* Not a token: a second stop has a static namesake in neg_stop_namesake2.c: a name
 * defined twice is not read, so its callers are not checked.
 *
 * nsn_trans is an XFS-shaped handle (nsn_set_context() saves the nofs cookie in
 * tp->nsn_pflags, nsn_free() restores it and frees the handle), so nsn_work() is
 * converted when the type is a token. The code after it breaks the type: nsn_work()
 * must stay keep.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct nsn_trans {
	unsigned long nsn_pflags;
	unsigned int nsn_flags;
};

static struct kmem_cache *nsn_cache;

static inline void nsn_set_context(struct nsn_trans *tp)
{
	tp->nsn_pflags = memalloc_nofs_save();
}

static inline void nsn_clear_context(struct nsn_trans *tp)
{
	memalloc_nofs_restore(tp->nsn_pflags);
}

static void nsn_free(struct nsn_trans *tp)
{
	nsn_clear_context(tp);
	kmem_cache_free(nsn_cache, tp);
}

int nsn_alloc(struct nsn_trans **tpp)
{
	struct nsn_trans *tp;

	tp = kmem_cache_zalloc(nsn_cache, GFP_KERNEL);
	nsn_set_context(tp);
	*tpp = tp;
	return 0;
}

void nsn_commit(struct nsn_trans *tp)
{
	nsn_free(tp);
}

void *nsn_work(struct nsn_trans *tp, size_t n)
{
	tp->nsn_flags |= 1;
	return kmalloc(n, GFP_NOFS);
}

static inline void nsn_suspend(struct nsn_trans *tp)
{
	memalloc_nofs_restore(tp->nsn_pflags);
}

/* a second stop, nsn_suspend(), with a static namesake in another file (neg_stop_namesake2.c): a
 * stop defined twice is not read, so its callers are not checked, and this one keeps
 * the handle */
void *nsn_suspended_work(struct nsn_trans *tp, size_t n)
{
	nsn_suspend(tp);
	return nsn_work(tp, n);
}
