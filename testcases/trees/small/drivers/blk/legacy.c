// SPDX-License-Identifier: GPL-2.0-only
#include <linux/slab.h>

void *blk_legacy_alloc(void)
{
	return kmalloc(16, GFP_NOIO);
}
