// SPDX-License-Identifier: GPL-2.0-only
/* Negative twins from a soundness review: each of these looked provable to an earlier
 * version of the analysis and is not; every site here must stay keep but one (see
 * testcases/driver/test_precision.py). */
#include "prcfs.h"

/* S1: an inner block's cookie shadows the function's; the last restore is the outer one */
void *rv_shadow(unsigned int d, size_t n)
{
	unsigned int o = memalloc_nofs_save();
	void *p;

	{
		unsigned int d = memalloc_nofs_save();

		prcfs_work();
		memalloc_nofs_restore(d);
	}
	memalloc_nofs_restore(d);
	p = kmalloc(n, GFP_NOFS);
	memalloc_nofs_restore(o);
	return p;
}

/* S2: balanced by name only: it restores the cookie its caller hands it */
static void *rv_shadow_param(unsigned int c, size_t n)
{
	{
		unsigned int c = memalloc_nofs_save();

		prcfs_work();
		memalloc_nofs_restore(c);
	}
	memalloc_nofs_restore(c);
	return kmalloc(n, GFP_NOFS);
}

void *rv_shadow_param_user(size_t n)
{
	unsigned int c = memalloc_nofs_save();

	return rv_shadow_param(c, n);
}
