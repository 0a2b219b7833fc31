// SPDX-License-Identifier: GPL-2.0-only
/* Negative twins from a soundness review: each of these looked provable to an earlier
 * version of the analysis and is not; every site here must stay keep but one (see
 * testcases/driver/test_precision.py). */
#include "prcfs.h"

int prcfs_more(void);

#define RV_BREAK_IF(x) if (x) break

/* A: a break hidden in a macro leaves the loop outside the scope */
void *rv_macro_break(int *done, size_t n)
{
	unsigned int c = 0;
	void *p;

	while (1) {
		RV_BREAK_IF(*done);
		c = memalloc_nofs_save();
		if (prcfs_more())
			break;
		memalloc_nofs_restore(c);
	}
	p = kmalloc(n, GFP_NOFS);
	memalloc_nofs_restore(c);
	return p;
}

/* B: a break in a statement expression */
void *rv_stmtexpr_break(int *done, size_t n)
{
	unsigned int c = 0;
	void *p;

	while (1) {
		({ if (*done) break; 0; });
		c = memalloc_nofs_save();
		if (prcfs_more())
			break;
		memalloc_nofs_restore(c);
	}
	p = kmalloc(n, GFP_NOFS);
	memalloc_nofs_restore(c);
	return p;
}

/* C: GFP_NOIO after an inner noio pair (statements, not declarations) */
void *rv_noio_after_pair(size_t n)
{
	unsigned int c, d;
	void *p;

	c = memalloc_nofs_save();
	d = memalloc_noio_save();
	prcfs_work();
	memalloc_noio_restore(d);
	p = kmalloc(n, GFP_NOIO);
	memalloc_nofs_restore(c);
	return p;
}
