// SPDX-License-Identifier: GPL-2.0-only
/* Static functions have file-local callers: this prcfs_fill is called only in a scope. */
#include "prcfs.h"

static void *prcfs_fill(size_t n)
{
	return kmalloc(n, GFP_NOFS);
}

void *prcfs_a_user(size_t n)
{
	unsigned int c = memalloc_nofs_save();
	void *p = prcfs_fill(n);

	memalloc_nofs_restore(c);
	return p;
}
