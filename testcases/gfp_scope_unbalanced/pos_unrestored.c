// SPDX-License-Identifier: GPL-2.0-only
/* A scope left open on an error path, on a goto path, at the end of a void
 * function, and a scope never closed at all. */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct ctx {
	void *buf;
};

int setup_buf(struct ctx *c, int n)
{
	unsigned int nofs = memalloc_nofs_save();

	c->buf = kmalloc(n, GFP_KERNEL);
	if (!c->buf)
		return -ENOMEM;
	memalloc_nofs_restore(nofs);
	return 0;
}

int setup_goto(struct ctx *c, int n)
{
	unsigned int noio;
	int ret = 0;

	noio = memalloc_noio_save();
	c->buf = kmalloc(n, GFP_KERNEL);
	if (!c->buf) {
		ret = -ENOMEM;
		goto out;
	}
	memalloc_noio_restore(noio);
out:
	return ret;
}

void setup_void(struct ctx *c, int n)
{
	unsigned int flags;

	flags = memalloc_nofs_save();
	if (n > 4096)
		return;
	c->buf = kmalloc(n, GFP_KERNEL);
	if (c->buf)
		memalloc_nofs_restore(flags);
}

void setup_never(struct ctx *c, int n)
{
	unsigned int flags = memalloc_flags_save(PF_MEMALLOC_NOFS);

	c->buf = kmalloc(n, GFP_KERNEL);
}
