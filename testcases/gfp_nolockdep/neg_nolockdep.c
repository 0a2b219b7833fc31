// SPDX-License-Identifier: GPL-2.0-only
/* Not conversions: __GFP_NOLOCKDEP with a NOFS mask, a test of the flag,
 * and plain GFP_KERNEL / GFP_NOFS. */
#include <linux/slab.h>

void *nofs_nolockdep(size_t n)
{
	return kmalloc(n, (GFP_KERNEL & ~__GFP_FS) | __GFP_NOLOCKDEP);
}

void *nofs_plain(size_t n)
{
	return kmalloc(n, GFP_NOFS | __GFP_NOLOCKDEP);
}

bool no_lockdep(gfp_t gfp)
{
	return gfp & __GFP_NOLOCKDEP;
}

void *plain(size_t n)
{
	void *p = kmalloc(n, GFP_KERNEL);

	kfree(p);
	return kmalloc(n, GFP_NOFS);
}
