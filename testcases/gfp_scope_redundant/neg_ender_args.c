// SPDX-License-Identifier: GPL-2.0-only
/*
 * Negative: the scope may end in the allocation's own statement. A macro
 * may run its argument after it restores the cookie, and the operands of an
 * expression, the arguments of a call and the declarators of a declaration
 * may run in any order; a for header runs its init before its condition; a
 * macro read as a declaration ends the scope like a call.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

#define foo_end_then(c, x)	({ memalloc_nofs_restore(c); x; })
#define foo_end_nofs(c)	memalloc_nofs_restore(c)
#define DECLARE_FOO_END(c)	memalloc_nofs_restore(c)

void *foo_macro_arg(size_t len)
{
	unsigned int c;
	void *p;

	c = memalloc_nofs_save();
	p = foo_end_then(c, kmalloc(len, GFP_NOFS));
	return p;
}

void *foo_comma(size_t len)
{
	unsigned int c = memalloc_nofs_save();
	void *p;

	p = (foo_end_nofs(c), kmalloc(len, GFP_NOFS));
	return p;
}

void *foo_in_own_argument(size_t len)
{
	unsigned int c = memalloc_nofs_save();

	return kmalloc((memalloc_nofs_restore(c), len), GFP_NOFS);
}

void *foo_declarators(size_t len)
{
	unsigned int c = memalloc_nofs_save();
	void *a = (memalloc_nofs_restore(c), NULL), *b = kmalloc(len, GFP_NOFS);

	return a ? a : b;
}

void *foo_for_header(size_t len)
{
	unsigned int c = memalloc_nofs_save();
	void *p;

	for (memalloc_nofs_restore(c); !(p = kmalloc(len, GFP_NOFS)); )
		return NULL;
	return p;
}

void *foo_stmt_expr(size_t len)
{
	unsigned int c = memalloc_nofs_save();

	return ({ memalloc_nofs_restore(c); kmalloc(len, GFP_NOFS); });
}

void *foo_declarer(size_t len)
{
	unsigned int c = memalloc_nofs_save();
	DECLARE_FOO_END(c);
	void *p = kmalloc(len, GFP_NOFS);

	return p;
}
