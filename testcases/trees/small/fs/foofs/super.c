// SPDX-License-Identifier: GPL-2.0-only
/* A filesystem with GFP_NOFS in a comment: not a site. */
#include <linux/slab.h>
#include <linux/sched/mm.h>
#include <linux/foofs.h>

struct foofs_handle {
	unsigned int saved_alloc_context;
};

static const char *why = "GFP_NOFS in a string is not a site";

static gfp_t foofs_default_gfp = GFP_NOFS;

static void *foofs_alloc_node(size_t size)
{
	return kmalloc(size, GFP_NOFS | __GFP_NOFAIL);
}

static int foofs_fill(void **out, int nofail)
{
	gfp_t gfp;

	gfp = nofail ? (GFP_NOFS | __GFP_NOFAIL) : GFP_NOFS;
	*out = kzalloc(64, gfp);
	return *out ? 0 : -ENOMEM;
}

void *foofs_scoped(size_t size)
{
	unsigned int flags = memalloc_nofs_save();
	void *p = foofs_alloc_node(size);
	void *q = kmalloc(size, GFP_NOFS);

	memalloc_nofs_restore(flags);
	kfree(q);
	return p;
}

#if 0
static void *foofs_dead(void)
{
	return kmalloc(8, GFP_NOFS);
}
#endif

void *foofs_cache(void)
{
	return FOOFS_ALLOC(32);
}
