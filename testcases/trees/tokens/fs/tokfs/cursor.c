// SPDX-License-Identifier: GPL-2.0-only
/* A handle held in a field of a parameter (cur->bc_tp, as XFS's btree cursors hold
 * their transaction): live where the field is dereferenced before the allocation. The
 * proof assumes the struct holds this task's handle: moderate. */
#include "tokfs.h"

/* dereferenced before the allocation: convert */
void *tok_cur_deref(struct tok_cursor *cur, size_t n)
{
	cur->bc_tp->t_flags |= 1;
	return kmalloc(n, GFP_NOFS);
}

/* a caller that dereferences its cursor's handle covers its only callee: convert */
static void *tok_cur_callee(size_t n)
{
	return kmalloc(n, GFP_NOFS);
}

void *tok_cur_caller(struct tok_cursor *cur, size_t n)
{
	cur->bc_tp->t_flags |= 1;
	return tok_cur_callee(n);
}

/* twin: dereferenced after the allocation only (a call may have set the field) */
void *tok_cur_after(struct tok_cursor *cur, size_t n)
{
	void *p = kmalloc(n, GFP_NOFS);

	cur->bc_tp->t_flags |= 1;
	return p;
}

/* twin: the field may be NULL */
void *tok_cur_nullable(struct tok_cursor *cur, size_t n)
{
	if (cur->bc_tp)
		cur->bc_tp->t_flags |= 1;
	return kmalloc(n, GFP_NOFS);
}

/* twin: committed between the dereference and the allocation */
void *tok_cur_committed(struct tok_cursor *cur, size_t n)
{
	cur->bc_tp->t_flags |= 1;
	tok_trans_commit(cur->bc_tp);
	return kmalloc(n, GFP_NOFS);
}

/* twin: a work item reaches a function that reads the handle from its cursor: the
 * cursor holds another task's handle */
struct tok_cur_work {
	struct work_struct work;
	struct tok_cursor *cur;
};

static void *tok_cur_async_helper(struct tok_cursor *cur, size_t n)
{
	cur->bc_tp->t_flags |= 1;
	return kmalloc(n, GFP_NOFS);
}

static void tok_cur_worker(struct work_struct *work)
{
	struct tok_cur_work *w = (struct tok_cur_work *)work;

	kfree(tok_cur_async_helper(w->cur, 16));
}

void tok_cur_queue(struct tok_cur_work *w)
{
	INIT_WORK(&w->work, tok_cur_worker);
}

/* given the cursor, called with a live handle and without one (xfs_da_state_alloc()'s
 * shape): keep, dual-context, a candidate for GFP_KERNEL | __GFP_NOLOCKDEP */
static void *tok_cur_state_alloc(struct tok_cursor *cur, size_t n)
{
	cur->bc_level = 0;
	return kmalloc(n, GFP_NOFS);
}

void *tok_cur_in(struct tok_cursor *cur, size_t n)
{
	cur->bc_tp->t_flags |= 1;
	return tok_cur_state_alloc(cur, n);
}

void *tok_cur_out(struct tok_cursor *cur, size_t n)
{
	return tok_cur_state_alloc(cur, n);
}
