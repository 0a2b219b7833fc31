// SPDX-License-Identifier: GPL-2.0-only
/*
 * Negative: the scope spans two statements (two allocations, or an
 * allocation and its error check), not a single allocation.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct foo_pair {
	void *a;
	void *b;
};

int foo_pair_alloc(struct foo_pair *p, size_t len)
{
	unsigned int nofs_flag;

	nofs_flag = memalloc_nofs_save();
	p->a = kmalloc(len, GFP_KERNEL);
	p->b = kmalloc(len, GFP_KERNEL);
	memalloc_nofs_restore(nofs_flag);
	return 0;
}

int foo_one_checked(struct foo_pair *p, size_t len)
{
	unsigned int nofs_flag;

	nofs_flag = memalloc_nofs_save();
	p->a = kmalloc(len, GFP_KERNEL);
	if (!p->a) {
		memalloc_nofs_restore(nofs_flag);
		return -ENOMEM;
	}
	memalloc_nofs_restore(nofs_flag);
	return 0;
}
