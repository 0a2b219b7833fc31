/* SPDX-License-Identifier: GPL-2.0-only */
/* A transaction as XFS has it: the start saves the nofs cookie in the handle
 * (tok_trans_set_context), a roll moves it to a new handle (tok_trans_dup ->
 * tok_trans_switch_context), and freeing the handle restores it, only while the
 * handle is the task's current one. */
#ifndef _TOKFS_H
#define _TOKFS_H
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct tok_mount {
	int m_flags;
};

struct tok_trans {
	unsigned long t_pflags;
	unsigned int t_flags;
	struct tok_mount *t_mountp;
};

/* a typedef name of the handle type (xfs_trans_t) */
typedef struct tok_trans tok_trans_t;

struct tok_cursor {
	struct tok_trans *bc_tp;
	int bc_level;
};

struct work_struct {
	void (*func)(struct work_struct *work);
};
#define INIT_WORK(w, f) ((w)->func = (f))
#define TOK_ASSERT(e) ((void)0)
/* a tracepoint's shape: ## makes a static inline function, whose arguments are evaluated */
#define TOK_EVENT(name) static inline void trace_ ## name(unsigned int f) { }
TOK_EVENT(tok_defer)

extern struct kmem_cache *tok_trans_cache;

static inline void tok_trans_set_context(struct tok_trans *tp)
{
	tp->t_pflags = memalloc_nofs_save();
	current->journal_info = tp;
}

static inline void tok_trans_clear_context(struct tok_trans *tp)
{
	if (current->journal_info == tp) {
		memalloc_nofs_restore(tp->t_pflags);
		current->journal_info = NULL;
	}
}

static inline void tok_trans_switch_context(struct tok_trans *old_tp, struct tok_trans *new_tp)
{
	new_tp->t_pflags = old_tp->t_pflags;
	old_tp->t_pflags = 0;
	current->journal_info = new_tp;
}

int tok_trans_alloc(struct tok_mount *mp, struct tok_trans **tpp);
int tok_trans_commit(struct tok_trans *tp);
void tok_trans_cancel(struct tok_trans *tp);
int tok_trans_roll(struct tok_trans **tpp);
void tok_defer_add(struct tok_trans *tp, int type);
#endif
