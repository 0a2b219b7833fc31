// SPDX-License-Identifier: GPL-2.0-only
/*
 * Negative: the scope covers the lock that reclaim could recurse into and
 * the allocation made under it: that is where a scope belongs.
 */
#include <linux/slab.h>
#include <linux/mutex.h>
#include <linux/sched/mm.h>

struct foo_cache {
	struct mutex lock;
	void *node;
};

int foo_cache_grow(struct foo_cache *c, size_t len)
{
	unsigned int flags;

	/* reclaim may call our shrinker, which takes c->lock */
	flags = memalloc_nofs_save();
	mutex_lock(&c->lock);
	c->node = kmalloc(len, GFP_KERNEL);
	mutex_unlock(&c->lock);
	memalloc_nofs_restore(flags);
	return c->node ? 0 : -ENOMEM;
}
