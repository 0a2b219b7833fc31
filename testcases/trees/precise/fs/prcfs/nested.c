// SPDX-License-Identifier: GPL-2.0-only
/* Nesting by cookie: a restore puts back the flag as it was when its own cookie was
 * saved, so after an inner save/restore pair the outer scope is still open when it was
 * open at the inner save on every path. The twins: interleaved restores, an inner save
 * that a branch skips, an inner save some path reaches outside the outer scope. */
#include "prcfs.h"

/* an inner noio pair inside an open nofs scope */
void *prcfs_nest_noio(size_t n)
{
	unsigned int c = memalloc_nofs_save();
	unsigned int d;
	void *p;

	d = memalloc_noio_save();
	prcfs_work();
	memalloc_noio_restore(d);
	p = kmalloc(n, GFP_NOFS);
	memalloc_nofs_restore(c);
	return p;
}

/* an inner nofs pair in a branch, and one in a loop */
void *prcfs_nest_branch_loop(int a, size_t n)
{
	unsigned int c = memalloc_nofs_save();
	unsigned int d, e;
	void *p;
	int i;

	if (a) {
		d = memalloc_nofs_save();
		prcfs_work();
		memalloc_nofs_restore(d);
	}
	for (i = 0; i < a; i++) {
		e = memalloc_nofs_save();
		prcfs_work();
		memalloc_nofs_restore(e);
	}
	p = kmalloc(n, GFP_NOFS);
	memalloc_nofs_restore(c);
	return p;
}

/* twin: interleaved, the outer cookie is restored while the inner scope is open */
void *prcfs_nest_interleaved(size_t n)
{
	unsigned int c = memalloc_nofs_save();
	unsigned int d = memalloc_nofs_save();
	void *p;

	memalloc_nofs_restore(c);
	memalloc_nofs_restore(d);
	p = kmalloc(n, GFP_NOFS);
	return p;
}

/* twin: a branch skips the inner save, and the restore takes a cookie never saved */
void *prcfs_nest_skipped(int a, size_t n)
{
	unsigned int c = memalloc_nofs_save();
	unsigned int d = 0;
	void *p;

	if (a)
		d = memalloc_noio_save();
	memalloc_noio_restore(d);
	p = kmalloc(n, GFP_NOIO);
	memalloc_nofs_restore(c);
	return p;
}

/* twin: the outer scope is opened on one path only, so the inner save may run outside it */
void *prcfs_nest_outer_cond(int a, size_t n)
{
	unsigned int c = 0, d;
	void *p;

	if (a)
		c = memalloc_nofs_save();
	d = memalloc_nofs_save();
	prcfs_work();
	memalloc_nofs_restore(d);
	p = kmalloc(n, GFP_NOFS);
	if (a)
		memalloc_nofs_restore(c);
	return p;
}

/* kinds stay checked: after an inner noio pair in a nofs scope, GFP_NOIO is not covered */
void *prcfs_nest_noio_site(size_t n)
{
	unsigned int c = memalloc_nofs_save();
	unsigned int d = memalloc_noio_save();
	void *p;

	memalloc_noio_restore(d);
	p = kmalloc(n, GFP_NOIO);
	memalloc_nofs_restore(c);
	return p;
}
