// SPDX-License-Identifier: GPL-2.0-only
/* cocci/facts/token_calls.cocci on its own: which calls a valid handle covers.
 * token_calls.expected lists "function callee line how" for each covered call. */
#include <linux/slab.h>

struct tc_trans {
	unsigned int t_flags;
};

int tc_list_empty(unsigned int *flags);
void *tc_peek(int n);

/* dereferenced first: every call after it */
void *tc_deref(struct tc_trans *tp, int n)
{
	tp->t_flags |= 1;
	return kmalloc(n, GFP_NOFS);
}

/* no dereference: a candidate call before the site (tc_list_empty, kzalloc) must not
 * hide the path from the entry that refutes the site */
void *tc_list_first(struct tc_trans *tp, int n)
{
	void *p = NULL;

	if (!tc_list_empty(&tp->t_flags))
		p = kzalloc(n, GFP_KERNEL);
	if (!p)
		p = kmalloc(n, GFP_NOFS);
	return p;
}

void *tc_call_first(struct tc_trans *tp, int n)
{
	kfree(kzalloc(n, GFP_KERNEL));
	return kmalloc(n, GFP_NOFS);
}

/* valid on entry (dereferenced on every path), but a scope end (tc_commit) comes before
 * the second allocation */
void tc_commit(struct tc_trans *tp);

void *tc_entry_then_end(struct tc_trans *tp, int n)
{
	void *p = kmalloc(n, GFP_NOFS);

	tp->t_flags |= 2;
	tc_commit(tp);
	kfree(p);
	return kmalloc(n, GFP_NOFS);
}

/* the third expression of a for loop may not run */
void *tc_for_increment(struct tc_trans *tp, int n)
{
	int i;

	for (i = 0; i < n; i++, tp->t_flags++)
		;
	return kmalloc(n, GFP_NOFS);
}

/* a call in the argument of a macro that commits first is not covered, nor one beside a
 * commit in an expression; in the argument of a function that commits, it runs before the
 * commit (the names file says tc_commit_then is a macro, tc_commit_with a function) */
#define tc_commit_then(tp, x)	({ tc_commit(tp); x; })
void tc_commit_with(struct tc_trans *tp, void *p);

void *tc_macro_arg(struct tc_trans *tp, int n)
{
	tp->t_flags |= 4;
	return tc_commit_then(tp, kmalloc(n, GFP_NOFS));
}

void *tc_beside(struct tc_trans *tp, int n)
{
	tp->t_flags |= 4;
	return (tc_commit(tp), kmalloc(n, GFP_NOFS));
}

void tc_fn_arg(struct tc_trans *tp, int n)
{
	tp->t_flags |= 4;
	tc_commit_with(tp, kmalloc(n, GFP_NOFS));
}

/* a handle in a field of a parameter (cur->bc_tp): dereferenced before the call */
struct tc_cursor {
	struct tc_trans *bc_tp;
	struct tc_cursor *bc_next;
	int bc_level;
};

/* an unrelated struct with a field of the same name */
struct tc_other {
	struct tc_cursor *bc_tp;
};

void *tc_field_deref(struct tc_cursor *cur, int n)
{
	cur->bc_tp->t_flags |= 1;
	return kmalloc(n, GFP_NOFS);
}

/* twin: dereferenced after the call only; a call may have set the field, so no proof
 * from the entry */
void *tc_field_after(struct tc_cursor *cur, int n)
{
	void *p = kmalloc(n, GFP_NOFS);

	cur->bc_tp->t_flags |= 1;
	return p;
}

/* twin: on one path only */
void *tc_field_maybe(struct tc_cursor *cur, int n)
{
	if (cur->bc_tp)
		cur->bc_tp->t_flags |= 1;
	return kmalloc(n, GFP_NOFS);
}

/* twin: the cursor itself, not its handle, is dereferenced */
void *tc_field_cursor_only(struct tc_cursor *cur, int n)
{
	cur->bc_next->bc_level = 1;
	cur->bc_level++;
	return kmalloc(n, GFP_NOFS);
}

/* twin: a struct whose field of that name holds no handle */
void *tc_field_other(struct tc_other *o, int n)
{
	o->bc_tp->bc_level = 1;
	return kmalloc(n, GFP_NOFS);
}

/* twin: the handle is committed after the dereference */
void *tc_field_end(struct tc_cursor *cur, int n)
{
	cur->bc_tp->t_flags |= 1;
	tc_commit(cur->bc_tp);
	return kmalloc(n, GFP_NOFS);
}

/* twin: the address of the field's dereference only */
void *tc_field_addr(struct tc_cursor *cur, int n)
{
	tc_list_empty(&cur->bc_tp->t_flags);
	return kmalloc(n, GFP_NOFS);
}

/* twin: the cursor is another one by the time of the dereference */
void *tc_field_reassigned(struct tc_cursor *cur, int n)
{
	cur = cur->bc_next;
	cur->bc_tp->t_flags |= 1;
	return kmalloc(n, GFP_NOFS);
}

/* a parameter spelled with a typedef of the token type (xfs_trans_t *tp) */
typedef struct tc_trans tc_trans_t;

void *tc_alias_deref(tc_trans_t *tp, int n)
{
	tp->t_flags |= 1;
	return kmalloc(n, GFP_NOFS);
}

/* twin: a pointer to the handle pointer is no handle */
void *tc_alias_pp(tc_trans_t **tpp, int n)
{
	(*tpp)->t_flags |= 1;
	return kmalloc(n, GFP_NOFS);
}
