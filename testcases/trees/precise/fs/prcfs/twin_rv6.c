// SPDX-License-Identifier: GPL-2.0-only
/* Negative twins from a soundness review: each of these looked provable to an earlier
 * version of the analysis and is not; every site here must stay keep but one (see
 * testcases/driver/test_precision.py). */
#include "prcfs.h"

int prcfs_more(void);

/* L4: a break out of an if-like macro's block */
#define rv_when(x) if (x)

void *rv_when_break(int *done, size_t n)
{
	unsigned int c = 0;
	void *p;

	while (1) {
		rv_when(*done) {
			prcfs_work();
			break;
		}
		c = memalloc_nofs_save();
		if (prcfs_more())
			break;
		memalloc_nofs_restore(c);
	}
	p = kmalloc(n, GFP_NOFS);
	memalloc_nofs_restore(c);
	return p;
}
