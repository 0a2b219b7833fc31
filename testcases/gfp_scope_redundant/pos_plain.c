// SPDX-License-Identifier: GPL-2.0-only
/* Positive: the plainest scope; the allocation is inside it on every path. */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct foo_inode_info {
	void *xattr_buf;
};

int foo_load_xattrs(struct foo_inode_info *fi, size_t len)
{
	unsigned int nofs_flag;

	nofs_flag = memalloc_nofs_save();
	fi->xattr_buf = kmalloc(len, GFP_NOFS);
	memalloc_nofs_restore(nofs_flag);

	return fi->xattr_buf ? 0 : -ENOMEM;
}
