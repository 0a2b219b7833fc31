// SPDX-License-Identifier: GPL-2.0-only
/* Not in any kernel tree (no Makefile with VERSION above this directory),
 * and the path as given, neg_no_tree.c, is not under fs/: not reported. */
#include <linux/slab.h>

void *alloc_noio(size_t n)
{
	return kmalloc(n, GFP_NOIO);
}
