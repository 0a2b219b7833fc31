// SPDX-License-Identifier: GPL-2.0-only
/* A static namesake of neg_interleave_namesake.c's nin_twice(): with it, the name is
 * defined twice and the interleaving check reads neither (part of
 * neg_interleave_namesake.c).
 */
#include <linux/slab.h>

static void *nin_twice(size_t n)
{
	return kmalloc(n, GFP_KERNEL);
}

void *nin_twice_other(size_t n)
{
	return nin_twice(n);
}
