// SPDX-License-Identifier: GPL-2.0-only
/*
 * Positive: the error label is reached only by a goto taken inside the
 * scope, so the allocation after it is covered too; a retry loop that
 * restores before jumping back above the save is covered as well.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct foo_map {
	void *tree;
	void *log;
};

int foo_map_init(struct foo_map *m, size_t len)
{
	unsigned int nofs_flag = memalloc_nofs_save();

	m->tree = kzalloc(len, GFP_NOFS);
	if (!m->tree)
		goto fallback;
	memalloc_nofs_restore(nofs_flag);
	return 0;

fallback:
	m->log = kmalloc(len / 2, GFP_NOFS);
	memalloc_nofs_restore(nofs_flag);
	return m->log ? 0 : -ENOMEM;
}

void *foo_retry(size_t len)
{
	unsigned int nofs_flag;
	void *p;

retry:
	nofs_flag = memalloc_nofs_save();
	p = kmalloc(len, GFP_NOFS);
	if (!p) {
		memalloc_nofs_restore(nofs_flag);
		goto retry;
	}
	memalloc_nofs_restore(nofs_flag);
	return p;
}
