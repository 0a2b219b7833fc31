// SPDX-License-Identifier: GPL-2.0-only
/* Not a token: an instance declared through a macro (DEFINE_PER_CPU's shape): the
 * instance check needs 'struct T name'.
 *
 * nmi_trans is an XFS-shaped handle (nmi_set_context() saves the nofs cookie in
 * tp->nmi_pflags, nmi_free() restores it and frees the handle), so nmi_work() is
 * converted when the type is a token. The code after it breaks the type: nmi_work()
 * must stay keep.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct nmi_trans {
	unsigned long nmi_pflags;
	unsigned int nmi_flags;
};

static struct kmem_cache *nmi_cache;

static inline void nmi_set_context(struct nmi_trans *tp)
{
	tp->nmi_pflags = memalloc_nofs_save();
}

static inline void nmi_clear_context(struct nmi_trans *tp)
{
	memalloc_nofs_restore(tp->nmi_pflags);
}

static void nmi_free(struct nmi_trans *tp)
{
	nmi_clear_context(tp);
	kmem_cache_free(nmi_cache, tp);
}

int nmi_alloc(struct nmi_trans **tpp)
{
	struct nmi_trans *tp;

	tp = kmem_cache_zalloc(nmi_cache, GFP_KERNEL);
	nmi_set_context(tp);
	*tpp = tp;
	return 0;
}

void nmi_commit(struct nmi_trans *tp)
{
	nmi_free(tp);
}

void *nmi_work(struct nmi_trans *tp, size_t n)
{
	tp->nmi_flags |= 1;
	return kmalloc(n, GFP_NOFS);
}

#define DEFINE_PER_CPU(type, name) __typeof__(type) name

/* a per-cpu instance: the declaration names the type only as a macro argument */
static DEFINE_PER_CPU(struct nmi_trans, nmi_pcpu_trans);

void *nmi_pcpu_user(size_t n)
{
	return nmi_work(&nmi_pcpu_trans, n);
}
