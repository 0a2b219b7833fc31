// SPDX-License-Identifier: GPL-2.0-only
/* ... and its namesake here is called outside any scope (the negative twin). */
#include "prcfs.h"

static void *prcfs_fill(size_t n)
{
	return kmalloc(n, GFP_NOFS);
}

void *prcfs_b_user(size_t n)
{
	return prcfs_fill(n);
}
