// SPDX-License-Identifier: GPL-2.0-only
/* The global namesake of static_f.c's prcfs_fill3(): called outside any scope (keep). */
#include "prcfs.h"

void *prcfs_fill3(size_t n)
{
	return kmalloc(n, GFP_NOFS);
}

/* the global namesake of static_j.c's prcfs_fill4() */
void *prcfs_fill4(size_t n)
{
	return kzalloc(n, GFP_KERNEL);
}
