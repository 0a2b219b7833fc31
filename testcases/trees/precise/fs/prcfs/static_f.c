// SPDX-License-Identifier: GPL-2.0-only
/* A static function called only in a scope, with a global namesake in static_g.c that
 * static_h.c calls outside any: C sends static_h.c's call to the global one, so it is no
 * caller of this one (ocfs2's static sc_alloc() and hfi1's global sc_alloc()). */
#include "prcfs.h"

static void *prcfs_fill3(size_t n)
{
	return kmalloc(n, GFP_NOFS);
}

void *prcfs_f_user(size_t n)
{
	unsigned int flags = memalloc_nofs_save();
	void *p = prcfs_fill3(n);

	memalloc_nofs_restore(flags);
	return p;
}
