// SPDX-License-Identifier: GPL-2.0-only
/* Scope providers, jbd2/xfs style: the cookie lives in a struct field from
 * the start of a transaction to its end, the restore takes it from there,
 * and a transaction roll moves it to the new transaction. */
#include <linux/slab.h>
#include <linux/sched/mm.h>

typedef struct handle_s {
	unsigned int saved_alloc_context;
} handle_t;

struct xfs_trans {
	unsigned long t_pflags;
};

struct group {
	struct mutex mark_mutex;
	unsigned int owner_flags;
};

void start_this_handle(handle_t *handle)
{
	handle->saved_alloc_context = memalloc_nofs_save();
}

int jbd2_journal_stop(handle_t *handle)
{
	memalloc_nofs_restore(handle->saved_alloc_context);
	return 0;
}

void xfs_trans_set_context(struct xfs_trans *tp)
{
	tp->t_pflags = memalloc_nofs_save();
}

void xfs_trans_clear_context(struct xfs_trans *tp)
{
	memalloc_nofs_restore(tp->t_pflags);
}

void xfs_trans_switch_context(struct xfs_trans *old_tp, struct xfs_trans *new_tp)
{
	new_tp->t_pflags = old_tp->t_pflags;
	old_tp->t_pflags = 0;
}

void fsnotify_group_lock(struct group *group)
{
	mutex_lock(&group->mark_mutex);
	group->owner_flags = memalloc_nofs_save();
}

void fsnotify_group_unlock(struct group *group)
{
	memalloc_nofs_restore(group->owner_flags);
	mutex_unlock(&group->mark_mutex);
}
