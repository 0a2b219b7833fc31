// SPDX-License-Identifier: GPL-2.0-only
/*
 * Line numbering (issue 13, defect 4): this comment holds a form feed,
 * here:
 * 
 * str.splitlines() breaks there, gfplex and spatch do not. The two sites
 * below share a column: only the second, after the save, is proven.
 */
#include "sndfs.h"

void *sndfs_ff_pair(size_t n, void **qp)
{
	unsigned int c;
	void *p, *q;

	q = kmalloc(n, GFP_NOFS); c = memalloc_nofs_save();
	p = kmalloc(n, GFP_NOFS);
	memalloc_nofs_restore(c);
	*qp = q;
	return p;
}
