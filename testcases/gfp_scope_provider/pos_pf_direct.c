// SPDX-License-Identifier: GPL-2.0-only
/* Scope providers that write the task flags directly: loop's worker, and
 * bcachefs' btree transactions, which set and clear the flag in two
 * functions. */
#include <linux/slab.h>
#include <linux/sched/mm.h>

#define PF_LOCAL_THROTTLE	0x00100000u

struct btree_trans {
	bool pf_memalloc_nofs;
};

void loop_process_work(void)
{
	int orig_flags = current->flags;

	current->flags |= PF_LOCAL_THROTTLE | PF_MEMALLOC_NOIO;
	kfree(kmalloc(64, GFP_KERNEL));
	current->flags = orig_flags;
}

void trans_set_locked(struct btree_trans *trans)
{
	trans->pf_memalloc_nofs = (current->flags & PF_MEMALLOC_NOFS) != 0;
	current->flags |= PF_MEMALLOC_NOFS;
}

void trans_set_unlocked(struct btree_trans *trans)
{
	if (!trans->pf_memalloc_nofs)
		current->flags &= ~PF_MEMALLOC_NOFS;
}
