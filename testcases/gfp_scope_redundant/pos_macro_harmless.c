// SPDX-License-Identifier: GPL-2.0-only
/*
 * Positive: macros of the same shapes as in neg_macro_end.c that end
 * nothing, and a macro restore after the allocation.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

void foo_count(size_t n);

#define foo_note(n)	foo_count(n)
#define foo_note_se(n)	({ foo_count(n); 0; })
#define foo_note_dw(n)	do { foo_count(n); } while (0)
#define foo_end_nofs(c)	memalloc_nofs_restore(c)

void *foo_notes(size_t len)
{
	unsigned int c = memalloc_nofs_save();
	void *p;

	foo_note(len);
	foo_note_se(len);
	foo_note_dw(len);
	p = kmalloc(len, GFP_NOFS);
	foo_end_nofs(c);
	return p;
}
