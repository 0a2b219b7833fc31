// SPDX-License-Identifier: GPL-2.0-only
/* Not a token: a fake handle made with a cast to void *, not to the type
 * (ext4_get_nojournal()'s shape).
 *
 * nvc_trans is an XFS-shaped handle (nvc_set_context() saves the nofs cookie in
 * tp->nvc_pflags, nvc_free() restores it and frees the handle), so nvc_work() is
 * converted when the type is a token. The code after it breaks the type: nvc_work()
 * must stay keep.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct nvc_trans {
	unsigned long nvc_pflags;
	unsigned int nvc_flags;
};

static struct kmem_cache *nvc_cache;

static inline void nvc_set_context(struct nvc_trans *tp)
{
	tp->nvc_pflags = memalloc_nofs_save();
}

static inline void nvc_clear_context(struct nvc_trans *tp)
{
	memalloc_nofs_restore(tp->nvc_pflags);
}

static void nvc_free(struct nvc_trans *tp)
{
	nvc_clear_context(tp);
	kmem_cache_free(nvc_cache, tp);
}

int nvc_alloc(struct nvc_trans **tpp)
{
	struct nvc_trans *tp;

	tp = kmem_cache_zalloc(nvc_cache, GFP_KERNEL);
	nvc_set_context(tp);
	*tpp = tp;
	return 0;
}

void nvc_commit(struct nvc_trans *tp)
{
	nvc_free(tp);
}

void *nvc_work(struct nvc_trans *tp, size_t n)
{
	tp->nvc_flags |= 1;
	return kmalloc(n, GFP_NOFS);
}

static unsigned long nvc_dummy[4];

/* a fake handle made with a cast to void *, not to the type */
struct nvc_trans *nvc_nojournal(void)
{
	return (void *)nvc_dummy;
}

void *nvc_nojournal_user(size_t n)
{
	return nvc_work(nvc_nojournal(), n);
}
