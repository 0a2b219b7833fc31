// SPDX-License-Identifier: GPL-2.0-only
/* Negative: the allocation runs after the scope is closed. */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct foo_inode_info {
	void *a;
	void *b;
};

int foo_alloc_pair(struct foo_inode_info *fi, size_t len)
{
	unsigned int nofs_flag;

	nofs_flag = memalloc_nofs_save();
	fi->a = kmalloc(len, GFP_KERNEL);
	memalloc_nofs_restore(nofs_flag);
	fi->b = kmalloc(len, GFP_NOFS);
	return 0;
}
