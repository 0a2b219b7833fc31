// SPDX-License-Identifier: GPL-2.0-only
/* Twin of static_f.c: a static function called in a scope here, but this file also
 * #includes static_k.c, whose call outside any scope is then in this translation unit
 * and reaches it (keep). */
#include "prcfs.h"

static void *prcfs_fill4(size_t n)
{
	return kmalloc(n, GFP_NOFS);
}

void *prcfs_j_user(size_t n)
{
	unsigned int flags = memalloc_nofs_save();
	void *p = prcfs_fill4(n);

	memalloc_nofs_restore(flags);
	return p;
}

#include "static_k.c"
