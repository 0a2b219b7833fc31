// SPDX-License-Identifier: GPL-2.0-only
/*
 * gfplex test input: every way GFP_NOFS can appear without being a site,
 * and the sites around them. Expected output: tricky.expected.
 */
#include <linux/slab.h>
#include <linux/mempool.h>

// a line comment with GFP_NOIO, continued by a splice \
   GFP_NOFS still in the comment

#ifdef GFP_NOFS
#define FS_GFP_KNOWN 1
#endif

#define MY_GFP_NOFS_EXTRA 1
#define LONG_MACRO(x) \
	kmalloc((x), \
		GFP_NOFS)

struct ops {
	void *(*alloc)(size_t size, gfp_t gfp);
	gfp_t gfp;
};

static const char quote = '"';
static const char *s1 = "escaped \" GFP_NOFS inside";
static struct ops init_ops = { .gfp = GFP_NOIO };
static gfp_t table[] = { GFP_NOFS, GFP_NOIO };

static void *casted(size_t n)
{
	return kmalloc(n, (gfp_t)(GFP_NOFS | __GFP_ZERO));
}

static void *member(struct ops *o, struct ops *p)
{
	return o->alloc(sizeof(*p), (GFP_NOFS));
}

static void *nested(mempool_t *pool, int nofail)
{
	return kmemdup(mempool_alloc(pool, GFP_NOIO), 8,
		       nofail ? GFP_NOFS | __GFP_NOFAIL : GFP_NOFS);
}

static int conditional(int x)
{
	gfp_t g = GFP_NOFS & ~__GFP_DIRECT_RECLAIM;

	if (x == (int)GFP_NOIO)
		return 1;
	g |= GFP_NOIO;
	return sizeof(GFP_NOFS) + (int)g + quote + s1[0] + (int)init_ops.gfp + (int)table[0];
}

#if 1
static gfp_t alive(void) { return GFP_NOFS; }
#else
static gfp_t dead(void) { return GFP_NOIO; }
#endif
