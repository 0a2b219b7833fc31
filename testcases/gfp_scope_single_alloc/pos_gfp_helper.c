// SPDX-License-Identifier: GPL-2.0-only
/*
 * Positive: the single call is a filesystem helper that takes a gfp_t and
 * is given an explicit flag, so GFP_NOFS could be passed directly.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct foo_root {
	unsigned long long objectid;
};

struct foo_root *foo_alloc_root(unsigned long long objectid, gfp_t flags);

struct foo_root *foo_create_root(unsigned long long objectid)
{
	struct foo_root *root;
	unsigned int nofs_flag;

	nofs_flag = memalloc_nofs_save();
	root = foo_alloc_root(objectid, GFP_KERNEL);
	memalloc_nofs_restore(nofs_flag);
	return root;
}
