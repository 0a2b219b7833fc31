// SPDX-License-Identifier: GPL-2.0-only
/* Not a token: the stop called through a function pointer: no caller of it is seen or
 * checked.
 *
 * nsf_trans is an XFS-shaped handle (nsf_set_context() saves the nofs cookie in
 * tp->nsf_pflags, nsf_free() restores it and frees the handle), so nsf_work() is
 * converted when the type is a token. The code after it breaks the type: nsf_work()
 * must stay keep.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct nsf_trans {
	unsigned long nsf_pflags;
	unsigned int nsf_flags;
};

static struct kmem_cache *nsf_cache;

static inline void nsf_set_context(struct nsf_trans *tp)
{
	tp->nsf_pflags = memalloc_nofs_save();
}

static inline void nsf_clear_context(struct nsf_trans *tp)
{
	memalloc_nofs_restore(tp->nsf_pflags);
}

static void nsf_free(struct nsf_trans *tp)
{
	nsf_clear_context(tp);
	kmem_cache_free(nsf_cache, tp);
}

int nsf_alloc(struct nsf_trans **tpp)
{
	struct nsf_trans *tp;

	tp = kmem_cache_zalloc(nsf_cache, GFP_KERNEL);
	nsf_set_context(tp);
	*tpp = tp;
	return 0;
}

void nsf_commit(struct nsf_trans *tp)
{
	nsf_free(tp);
}

void *nsf_work(struct nsf_trans *tp, size_t n)
{
	tp->nsf_flags |= 1;
	return kmalloc(n, GFP_NOFS);
}

/* the stop called through a function pointer: it has no caller to check, and the
 * handle lives on */
static void (*nsf_suspend)(struct nsf_trans *tp) = nsf_clear_context;

void *nsf_suspended_work(struct nsf_trans *tp, size_t n)
{
	nsf_suspend(tp);
	return nsf_work(tp, n);
}
