// SPDX-License-Identifier: GPL-2.0-only
/* A kernel tree (fs/linux/Makefile) kept under a directory called fs: the
 * path contains /fs/, but relative to its tree this is drivers/md, not
 * filesystem code. neg_tree_under_fs.c links here. */
#include <linux/slab.h>

void *md_alloc(size_t n)
{
	return kmalloc(n, GFP_NOIO);
}
