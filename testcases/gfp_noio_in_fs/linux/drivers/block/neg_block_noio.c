// SPDX-License-Identifier: GPL-2.0-only
/* GFP_NOIO in the block layer of a kernel tree: where it belongs, not
 * reported. neg_block_noio.c links here. */
#include <linux/slab.h>

void *blk_alloc(size_t n)
{
	return kmalloc(n, GFP_NOIO);
}
