// SPDX-License-Identifier: GPL-2.0-only
/* Negative twins from a soundness review: each of these looked provable to an earlier
 * version of the analysis and is not; every site here must stay keep but one (see
 * testcases/driver/test_precision.py). */
#include "prcfs.h"

int prcfs_more(void);

/* L3: a loop head over three lines: the copy spatch reads loses two lines */
void rv_wait(void)
{
	for (;		/* no count: */
	     ;		/* until prcfs_more() */
	     ) {
		if (prcfs_more())
			break;
	}
}

void *rv_after_shift(size_t n, void **out)
{
	unsigned int c;
	void *p, *q;

	p = kmalloc(n, GFP_NOFS);
	c = memalloc_nofs_save();
	q = kmalloc(n, GFP_NOFS);
	memalloc_nofs_restore(c);
	*out = q;
	return p;
}

