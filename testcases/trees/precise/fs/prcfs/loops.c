// SPDX-License-Identifier: GPL-2.0-only
/* Loops that only exit by break: after while (1) or for (;;), the code is reached only
 * through the loop's breaks. Each positive case has a twin that leaves outside the scope. */
#include "prcfs.h"

int prcfs_more(void);

/* every break leaves inside the scope */
void *prcfs_loop_break(size_t n)
{
	unsigned int c;
	void *p;

	while (1) {
		c = memalloc_nofs_save();
		if (prcfs_more())
			break;
		memalloc_nofs_restore(c);
	}
	p = kmalloc(n, GFP_NOFS);
	memalloc_nofs_restore(c);
	return p;
}

/* the same with for (;;), a continue, and an inner loop whose break is its own */
void *prcfs_loop_for(size_t n)
{
	unsigned int c;
	void *p;
	int i;

	for (;;) {
		c = memalloc_nofs_save();
		for (i = 0; i < 4; i++) {
			if (prcfs_more())
				break;
		}
		if (prcfs_more()) {
			memalloc_nofs_restore(c);
			continue;
		}
		if (prcfs_more())
			break;
		memalloc_nofs_restore(c);
	}
	p = kmalloc(n, GFP_NOFS);
	memalloc_nofs_restore(c);
	return p;
}

/* twin: one break leaves before the save */
void *prcfs_loop_early_break(size_t n)
{
	unsigned int c = 0;
	void *p;

	while (1) {
		if (prcfs_more())
			break;
		c = memalloc_nofs_save();
		if (prcfs_more())
			break;
		memalloc_nofs_restore(c);
	}
	p = kmalloc(n, GFP_NOFS);
	memalloc_nofs_restore(c);
	return p;
}

/* twin: a loop with a condition can end without a break */
void *prcfs_loop_cond(size_t n)
{
	unsigned int c = 0;
	void *p;

	while (prcfs_more()) {
		c = memalloc_nofs_save();
		if (prcfs_more())
			break;
		memalloc_nofs_restore(c);
	}
	p = kmalloc(n, GFP_NOFS);
	memalloc_nofs_restore(c);
	return p;
}

/* twin: an early return in the loop, and no scope at all after it */
void *prcfs_loop_return(size_t n)
{
	while (1) {
		if (prcfs_more())
			return NULL;
		if (prcfs_more())
			break;
	}
	return kmalloc(n, GFP_NOFS);
}
