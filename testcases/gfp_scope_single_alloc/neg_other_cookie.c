// SPDX-License-Identifier: GPL-2.0-only
/*
 * Negative: the restore after the allocation closes a different scope
 * (an outer one), so the allocation is not wrapped by a scope of its own.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

void *foo_nested(size_t len, unsigned int outer)
{
	unsigned int inner;
	void *p;

	inner = memalloc_nofs_save();
	p = kmalloc(len, GFP_KERNEL);
	memalloc_nofs_restore(outer);
	memalloc_nofs_restore(inner);
	return p;
}
