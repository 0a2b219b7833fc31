// SPDX-License-Identifier: GPL-2.0-only
/* A static helper called in a scope here, whose name a header macro also calls. */
#include "prcfs.h"

static void *prcfs_fill2(size_t n)
{
	return kmalloc(n, GFP_NOFS);
}

void *prcfs_c_user(size_t n)
{
	unsigned int c = memalloc_nofs_save();
	void *p = prcfs_fill2(n);

	memalloc_nofs_restore(c);
	return p;
}
