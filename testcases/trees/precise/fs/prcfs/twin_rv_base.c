// SPDX-License-Identifier: GPL-2.0-only
/* Negative twins from a soundness review: each of these looked provable to an earlier
 * version of the analysis and is not; every site here must stay keep but one (see
 * testcases/driver/test_precision.py). */
/* generic code; an architecture may include this file after providing its own rv_fill() */
#include "prcfs.h"

#ifndef RV_HAVE_ARCH_FILL
static void *rv_fill(size_t n)
{
	return kmalloc(n, GFP_NOFS);
}
#endif

static void *rv_base_user(size_t n)
{
	unsigned int c = memalloc_nofs_save();
	void *p = rv_fill(n);

	memalloc_nofs_restore(c);
	return p;
}

void *rv_base_entry(size_t n)
{
	return rv_base_user(n);
}
