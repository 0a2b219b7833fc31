// SPDX-License-Identifier: GPL-2.0-only
/* Balanced scopes: every error path restores (directly or through a goto),
 * nested scopes close in reverse order, a loop opens and closes its scope on
 * every iteration, nfs4 state manager style re-opening after a restore. */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct ctx {
	void *a, *b;
};

int both(struct ctx *c, int n)
{
	unsigned int nofs = memalloc_nofs_save();

	c->a = kmalloc(n, GFP_KERNEL);
	if (!c->a) {
		memalloc_nofs_restore(nofs);
		return -ENOMEM;
	}
	c->b = kmalloc(n, GFP_KERNEL);
	memalloc_nofs_restore(nofs);
	return c->b ? 0 : -ENOMEM;
}

int with_goto(struct ctx *c, int n)
{
	unsigned int noio;
	int ret = 0;

	noio = memalloc_noio_save();
	c->a = kmalloc(n, GFP_KERNEL);
	if (!c->a) {
		ret = -ENOMEM;
		goto out;
	}
	c->b = kmalloc(n, GFP_KERNEL);
	if (!c->b)
		ret = -ENOMEM;
out:
	memalloc_noio_restore(noio);
	return ret;
}

void nested(struct ctx *c, int n)
{
	unsigned int nofs, noio;

	nofs = memalloc_nofs_save();
	c->a = kmalloc(n, GFP_KERNEL);
	noio = memalloc_noio_save();
	c->b = kmalloc(n, GFP_KERNEL);
	memalloc_noio_restore(noio);
	memalloc_nofs_restore(nofs);
}

void each(void **v, int n)
{
	unsigned int flags;
	int i;

	for (i = 0; i < n; i++) {
		flags = memalloc_nofs_save();
		v[i] = kmalloc(64, GFP_KERNEL);
		memalloc_nofs_restore(flags);
		if (!v[i])
			break;
	}
}

void generic(struct ctx *c, int n)
{
	unsigned int flags = memalloc_flags_save(PF_MEMALLOC_NOIO);

	c->a = kmalloc(n, GFP_KERNEL);
	memalloc_flags_restore(flags);
}

void state_manager(struct ctx *c, int n)
{
	unsigned int memflags;

	memflags = memalloc_nofs_save();
	do {
		c->a = kmalloc(n, GFP_KERNEL);
		if (!c->a)
			goto out;
		memalloc_nofs_restore(memflags);
		kfree(c->a);
		if (n-- > 0) {
			memflags = memalloc_nofs_save();
			continue;
		}
		return;
	} while (n > 0);
out:
	memalloc_nofs_restore(memflags);
}
