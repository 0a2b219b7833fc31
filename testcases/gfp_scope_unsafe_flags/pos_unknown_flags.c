// SPDX-License-Identifier: GPL-2.0-only
/* Flags this rule has no verdict for: a task flag that is not an allocation
 * flag, and a flags value that is not a PF_ constant. */
#include <linux/slab.h>
#include <linux/sched/mm.h>

#define PF_LOCAL_THROTTLE	0x00100000u

void *throttled(size_t size)
{
	unsigned int flags = memalloc_flags_save(PF_MEMALLOC_NOIO | PF_LOCAL_THROTTLE);
	void *p = kmalloc(size, GFP_KERNEL);

	memalloc_flags_restore(flags);
	return p;
}

void *with_flags(size_t size, unsigned int pflags)
{
	unsigned int flags = memalloc_flags_save(pflags);
	void *p = kmalloc(size, GFP_KERNEL);

	memalloc_flags_restore(flags);
	return p;
}
