// SPDX-License-Identifier: GPL-2.0-only
/*
 * Positive: only the GFP_NOFS token is replaced; the modifiers around it,
 * on either side and masked with & ~__GFP_*, survive.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct foo_log {
	void *head;
	void *tail;
	void *spare;
};

void foo_log_alloc(struct foo_log *log, size_t len)
{
	unsigned int nofs_flags = memalloc_nofs_save();

	log->head = kzalloc(len, GFP_NOFS | __GFP_NOFAIL);
	log->tail = kmalloc(len, __GFP_NOWARN | GFP_NOFS | __GFP_ZERO);
	log->spare = kmalloc(len, GFP_NOFS & ~__GFP_DIRECT_RECLAIM);
	memalloc_nofs_restore(nofs_flags);
}
