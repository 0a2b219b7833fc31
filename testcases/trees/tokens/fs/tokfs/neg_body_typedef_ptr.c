// SPDX-License-Identifier: GPL-2.0-only
/* Not a token: a pointer typedef made with the struct's own definition (typedef struct T {...} T_t, *T_p;).
 *
 * nbp_trans is an XFS-shaped handle (nbp_set_context() saves the nofs cookie in
 * tp->nbp_pflags, nbp_free() restores it and frees the handle), so nbp_work() is
 * converted when the type is a token. The code after it breaks the type: nbp_work()
 * must stay keep.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

typedef struct nbp_trans {
	unsigned long nbp_pflags;
	unsigned int nbp_flags;
} nbp_trans_t, *nbp_trans_p;

static struct kmem_cache *nbp_cache;

static inline void nbp_set_context(struct nbp_trans *tp)
{
	tp->nbp_pflags = memalloc_nofs_save();
}

static inline void nbp_clear_context(struct nbp_trans *tp)
{
	memalloc_nofs_restore(tp->nbp_pflags);
}

static void nbp_free(struct nbp_trans *tp)
{
	nbp_clear_context(tp);
	kmem_cache_free(nbp_cache, tp);
}

int nbp_alloc(struct nbp_trans **tpp)
{
	struct nbp_trans *tp;

	tp = kmem_cache_zalloc(nbp_cache, GFP_KERNEL);
	nbp_set_context(tp);
	*tpp = tp;
	return 0;
}

void nbp_commit(struct nbp_trans *tp)
{
	nbp_free(tp);
}

void *nbp_work(struct nbp_trans *tp, size_t n)
{
	tp->nbp_flags |= 1;
	return kmalloc(n, GFP_NOFS);
}

/* a second constructor spelled with the pointer typedef */
void *nbp_ptr_new(size_t n)
{
	nbp_trans_p tp = kzalloc(sizeof(*tp), GFP_KERNEL);

	return nbp_work(tp, n);
}
