// SPDX-License-Identifier: GPL-2.0-only
/* Not a token: a second constructor spelled with a pointer typedef: no creation and no
 * instance is seen.
 *
 * nptd_trans is an XFS-shaped handle (nptd_set_context() saves the nofs cookie in
 * tp->nptd_pflags, nptd_free() restores it and frees the handle), so nptd_work() is
 * converted when the type is a token. The code after it breaks the type: nptd_work()
 * must stay keep.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct nptd_trans {
	unsigned long nptd_pflags;
	unsigned int nptd_flags;
};

static struct kmem_cache *nptd_cache;

static inline void nptd_set_context(struct nptd_trans *tp)
{
	tp->nptd_pflags = memalloc_nofs_save();
}

static inline void nptd_clear_context(struct nptd_trans *tp)
{
	memalloc_nofs_restore(tp->nptd_pflags);
}

static void nptd_free(struct nptd_trans *tp)
{
	nptd_clear_context(tp);
	kmem_cache_free(nptd_cache, tp);
}

int nptd_alloc(struct nptd_trans **tpp)
{
	struct nptd_trans *tp;

	tp = kmem_cache_zalloc(nptd_cache, GFP_KERNEL);
	nptd_set_context(tp);
	*tpp = tp;
	return 0;
}

void nptd_commit(struct nptd_trans *tp)
{
	nptd_free(tp);
}

void *nptd_work(struct nptd_trans *tp, size_t n)
{
	tp->nptd_flags |= 1;
	return kmalloc(n, GFP_NOFS);
}

typedef struct nptd_trans *nptd_handle_t;

/* a second constructor spelled with a pointer typedef */
void *nptd_ptr_typedef_new(size_t n)
{
	nptd_handle_t tp = kzalloc(sizeof(*tp), GFP_KERNEL);

	return nptd_work(tp, n);
}
