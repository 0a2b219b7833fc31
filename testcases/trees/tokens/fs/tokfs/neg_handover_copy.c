// SPDX-License-Identifier: GPL-2.0-only
/* Not a token: a handover copies the cookie but leaves the task's current handle:
 * freeing the old handle ends the scope the copy claims.
 *
 * nhc_trans is an XFS-shaped handle (nhc_set_context() saves the nofs cookie in
 * tp->nhc_pflags, nhc_free() restores it while it is the task's current handle and frees the handle), so nhc_work() is
 * converted when the type is a token. The code after it breaks the type: nhc_work()
 * must stay keep.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct nhc_trans {
	unsigned long nhc_pflags;
	unsigned int nhc_flags;
};

static struct kmem_cache *nhc_cache;

static inline void nhc_set_context(struct nhc_trans *tp)
{
	tp->nhc_pflags = memalloc_nofs_save();
	current->journal_info = tp;
}

static inline void nhc_clear_context(struct nhc_trans *tp)
{
	if (current->journal_info == tp) {
		memalloc_nofs_restore(tp->nhc_pflags);
		current->journal_info = NULL;
	}
}

static void nhc_free(struct nhc_trans *tp)
{
	nhc_clear_context(tp);
	kmem_cache_free(nhc_cache, tp);
}

int nhc_alloc(struct nhc_trans **tpp)
{
	struct nhc_trans *tp;

	tp = kmem_cache_zalloc(nhc_cache, GFP_KERNEL);
	nhc_set_context(tp);
	*tpp = tp;
	return 0;
}

void nhc_commit(struct nhc_trans *tp)
{
	nhc_free(tp);
}

void *nhc_work(struct nhc_trans *tp, size_t n)
{
	tp->nhc_flags |= 1;
	return kmalloc(n, GFP_NOFS);
}

/* a "handover" that copies the cookie but leaves the task's current handle as it was:
 * freeing the old handle still restores the cookie, and the copy lives on */
static void nhc_inherit(struct nhc_trans *old_tp, struct nhc_trans *new_tp)
{
	new_tp->nhc_pflags = old_tp->nhc_pflags;
}

struct nhc_trans *nhc_clone(struct nhc_trans *tp)
{
	struct nhc_trans *ntp;

	ntp = kmem_cache_zalloc(nhc_cache, GFP_KERNEL);
	nhc_inherit(tp, ntp);
	return ntp;
}

void *nhc_clone_work(struct nhc_trans *tp, size_t n)
{
	struct nhc_trans *ntp = nhc_clone(tp);

	nhc_commit(tp);
	return nhc_work(ntp, n);
}
