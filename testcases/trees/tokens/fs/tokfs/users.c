// SPDX-License-Identifier: GPL-2.0-only
/* Functions given a transaction handle. A handle that is known valid (dereferenced
 * on every path) covers the allocation; the twins are not known valid, or not any
 * more, or may be another task's. None of them has a caller that holds a scope. */
#include "tokfs.h"

void tok_use(unsigned int *p);
struct tok_trans *tok_other(void);

/* dereferenced before the allocation: convert */
void *tok_live_deref(struct tok_trans *tp, size_t n)
{
	tp->t_flags |= 1;
	return kmalloc(n, GFP_NOFS);
}

/* dereferenced after it, on every path: valid on entry, convert */
void *tok_live_after(struct tok_trans *tp, size_t n)
{
	void *p = kmalloc(n, GFP_NOFS);

	tp->t_flags |= 1;
	return p;
}

/* twin: the handle may be NULL */
void *tok_nullable(struct tok_trans *tp, size_t n)
{
	if (tp)
		tp->t_flags |= 1;
	return kmalloc(n, GFP_NOFS);
}

/* twin: the handle was committed before the allocation */
void *tok_after_stop(struct tok_trans *tp, size_t n)
{
	tp->t_flags |= 1;
	tok_trans_commit(tp);
	return kmalloc(n, GFP_NOFS);
}

/* twin: an assertion compiles to nothing */
void *tok_assert_only(struct tok_trans *tp, size_t n)
{
	TOK_ASSERT(tp->t_flags);
	return kmalloc(n, GFP_NOFS);
}

/* twin: taking a field's address reads nothing */
void *tok_addr_only(struct tok_trans *tp, size_t n)
{
	tok_use(&tp->t_flags);
	return kmalloc(n, GFP_NOFS);
}

/* twin: the right side of && may not run */
void *tok_short_circuit(struct tok_trans *tp, size_t n)
{
	if (n > 1 && tp->t_flags)
		n--;
	return kmalloc(n, GFP_NOFS);
}

/* twin: the handle is another one by then */
void *tok_reassigned(struct tok_trans *tp, size_t n)
{
	tp->t_flags |= 1;
	tp = tok_other();
	return kmalloc(n, GFP_NOFS);
}

/* through a caller that holds a valid handle: convert */
static void *tok_helper(size_t n)
{
	return kmalloc(n, GFP_NOFS);
}

void *tok_caller(struct tok_trans *tp, size_t n)
{
	tp->t_flags |= 1;
	return tok_helper(n);
}

/* an ops table's function, called with the dispatcher's handle: convert (assumed: an
 * ops table runs in the task that owns the handle) */
struct tok_ops {
	int (*finish_item)(struct tok_trans *tp, size_t n);
};

static int tok_finish_item(struct tok_trans *tp, size_t n)
{
	void *p;

	tp->t_flags |= 4;
	p = kmalloc(n, GFP_NOFS);
	kfree(p);
	return 0;
}

const struct tok_ops tok_item_ops = {
	.finish_item = tok_finish_item,
};

int tok_defer_finish(struct tok_trans *tp, const struct tok_ops *ops)
{
	return ops->finish_item(tp, 8);
}

/* twin: one caller passes a valid handle, another passes NULL: dual-context, and a
 * GFP_KERNEL | __GFP_NOLOCKDEP candidate (xfs_btree_alloc_cursor()'s shape) */
static void *tok_maybe(struct tok_trans *tp, size_t n)
{
	if (tp)
		tp->t_flags |= 8;
	return kmalloc(n, GFP_NOFS);
}

void *tok_with(struct tok_trans *tp, size_t n)
{
	tp->t_flags |= 1;
	return tok_maybe(tp, n);
}

void *tok_without(size_t n)
{
	return tok_maybe(NULL, n);
}

/* twin: a local of the same name hides the handle */
void *tok_shadowed(struct tok_trans *tp, size_t n)
{
	{
		struct tok_trans *tp = tok_other();

		tp->t_flags |= 1;
	}
	return kmalloc(n, GFP_NOFS);
}

/* dereferenced in a tracepoint's argument: a function a ## macro makes, so the argument
 * is evaluated: convert */
void *tok_traced(struct tok_trans *tp, size_t n)
{
	trace_tok_defer(tp->t_flags);
	return kmalloc(n, GFP_NOFS);
}

/* twin: no dereference at all, and an allocation before the site (a candidate call
 * itself) must not hide the path that refutes the site */
void *tok_call_first(struct tok_trans *tp, size_t n)
{
	kfree(kzalloc(n, GFP_KERNEL));
	return kmalloc(n, GFP_NOFS);
}

/* a handle parameter spelled with the typedef name (xfs_iget_cache_miss()'s xfs_trans_t *tp):
 * dereferenced first, convert */
void *tok_alias_deref(tok_trans_t *tp, size_t n)
{
	tp->t_flags |= 1;
	return kmalloc(n, GFP_NOFS);
}

/* twin: the same spelling, not known valid: keep, a __GFP_NOLOCKDEP candidate */
void *tok_alias_nullable(tok_trans_t *tp, size_t n)
{
	if (tp)
		tp->t_flags |= 1;
	return kmalloc(n, GFP_NOFS);
}
