// SPDX-License-Identifier: GPL-2.0-only
/* Not a token: a stop written as a macro: it has no function text, so its callers are
 * not checked.
 *
 * nsm_trans is an XFS-shaped handle (nsm_set_context() saves the nofs cookie in
 * tp->nsm_pflags, nsm_free() restores it and frees the handle), so nsm_work() is
 * converted when the type is a token. The code after it breaks the type: nsm_work()
 * must stay keep.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct nsm_trans {
	unsigned long nsm_pflags;
	unsigned int nsm_flags;
};

static struct kmem_cache *nsm_cache;

static inline void nsm_set_context(struct nsm_trans *tp)
{
	tp->nsm_pflags = memalloc_nofs_save();
}

static inline void nsm_clear_context(struct nsm_trans *tp)
{
	memalloc_nofs_restore(tp->nsm_pflags);
}

static void nsm_free(struct nsm_trans *tp)
{
	nsm_clear_context(tp);
	kmem_cache_free(nsm_cache, tp);
}

int nsm_alloc(struct nsm_trans **tpp)
{
	struct nsm_trans *tp;

	tp = kmem_cache_zalloc(nsm_cache, GFP_KERNEL);
	nsm_set_context(tp);
	*tpp = tp;
	return 0;
}

void nsm_commit(struct nsm_trans *tp)
{
	nsm_free(tp);
}

void *nsm_work(struct nsm_trans *tp, size_t n)
{
	tp->nsm_flags |= 1;
	return kmalloc(n, GFP_NOFS);
}

/* a stop written as a macro: it is not read as a function, so its callers are not
 * checked, and this one keeps the handle */
#define nsm_suspend(tp) memalloc_nofs_restore((tp)->nsm_pflags)

void *nsm_suspended_work(struct nsm_trans *tp, size_t n)
{
	nsm_suspend(tp);
	return nsm_work(tp, n);
}
