// SPDX-License-Identifier: GPL-2.0-only
/* A live handle covers the calls after its dereference, but not a call in the argument
 * of a macro that may end the scope (the macro may run it after the commit), nor a call
 * beside a commit in one expression (the operands run in any order). A function
 * evaluates its arguments before it runs: a call in the argument of one that commits
 * still runs in the scope. */
#include "tokfs.h"

#define tok_commit_then(tp, x)	({ tok_trans_commit(tp); x; })

int tok_commit_with(struct tok_trans *tp, void *p)
{
	kfree(p);
	return tok_trans_commit(tp);
}

/* in the argument of a function that commits: convert */
static void *tok_ea_fn_helper(size_t n)
{
	return kzalloc(n, GFP_NOFS);
}

int tok_ea_fn(struct tok_trans *tp, size_t n)
{
	tp->t_flags |= 1;
	return tok_commit_with(tp, tok_ea_fn_helper(n));
}

int tok_ea_fn_site(struct tok_trans *tp, size_t n)
{
	tp->t_flags |= 1;
	return tok_commit_with(tp, kzalloc(n, GFP_NOFS));
}

/* twin: in the argument of a macro that commits first */
static void *tok_ea_macro_helper(size_t n)
{
	return kzalloc(n, GFP_NOFS);
}

void *tok_ea_macro(struct tok_trans *tp, size_t n)
{
	tp->t_flags |= 1;
	return tok_commit_then(tp, tok_ea_macro_helper(n));
}

void *tok_ea_macro_site(struct tok_trans *tp, size_t n)
{
	tp->t_flags |= 1;
	return tok_commit_then(tp, kzalloc(n, GFP_NOFS));
}

/* twin: beside a commit, which may run first */
static void *tok_ea_sibling_helper(size_t n)
{
	return kzalloc(n, GFP_NOFS);
}

int tok_ea_sibling(struct tok_trans *tp, size_t n)
{
	tp->t_flags |= 1;
	return tok_trans_commit(tp) + !tok_ea_sibling_helper(n);
}
