// SPDX-License-Identifier: GPL-2.0-only
/* The transaction's life: created opened (alloc) or taking over a cookie (dup),
 * ended by the free that restores it. */
#include "tokfs.h"

struct kmem_cache *tok_trans_cache;

static void tok_trans_free(struct tok_trans *tp)
{
	tok_trans_clear_context(tp);
	kmem_cache_free(tok_trans_cache, tp);
}

static struct tok_trans *tok_trans_dup(struct tok_trans *tp)
{
	struct tok_trans *ntp;

	ntp = kmem_cache_zalloc(tok_trans_cache, GFP_KERNEL);
	ntp->t_mountp = tp->t_mountp;
	ntp->t_flags = tp->t_flags;
	tok_trans_switch_context(tp, ntp);
	return ntp;
}

int tok_trans_alloc(struct tok_mount *mp, struct tok_trans **tpp)
{
	struct tok_trans *tp;

	tp = kmem_cache_zalloc(tok_trans_cache, GFP_KERNEL);
	tok_trans_set_context(tp);
	tp->t_mountp = mp;
	if (mp->m_flags) {
		tok_trans_free(tp);
		return -ENOSPC;
	}
	*tpp = tp;
	return 0;
}

int tok_trans_commit(struct tok_trans *tp)
{
	tok_trans_free(tp);
	return 0;
}

void tok_trans_cancel(struct tok_trans *tp)
{
	tok_trans_free(tp);
}

int tok_trans_roll(struct tok_trans **tpp)
{
	struct tok_trans *ntp = tok_trans_dup(*tpp);

	tok_trans_commit(*tpp);
	*tpp = ntp;
	return 0;
}

/* the cache is made with sizeof(struct tok_trans): that is no allocation of one */
int tok_init_caches(void)
{
	tok_trans_cache = kmem_cache_create("tok_trans",
					    sizeof(struct tok_trans), 0, 0, NULL);
	return tok_trans_cache ? 0 : -ENOMEM;
}
