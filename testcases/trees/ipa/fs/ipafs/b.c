// SPDX-License-Identifier: GPL-2.0-only
/* Non-static helpers called from other files. */
#include "ipafs.h"

/* every caller, in a.c and c.c, holds a scope: caller-scope, moderate (not static) */
void *ipafs_shared_helper(size_t n)
{
	return kmalloc(n, GFP_NOFS);
}

/* called from c.c outside any scope */
void *ipafs_shared_unscoped(size_t n)
{
	return kmalloc(n, GFP_NOFS);
}

/* called in a scope, but exported: modules may call it from anywhere */
void *ipafs_exported_helper(size_t n)
{
	return kmalloc(n, GFP_NOFS);
}
EXPORT_SYMBOL(ipafs_exported_helper);
