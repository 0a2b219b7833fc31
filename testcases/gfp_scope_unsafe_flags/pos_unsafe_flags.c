// SPDX-License-Identifier: GPL-2.0-only
/* Scopes with flags that change the failure or reclaim semantic of nested
 * allocations: bcachefs-era PF_MEMALLOC_NORECLAIM/PF_MEMALLOC_NOWARN, and
 * hypothetical scoped NOFAIL/NORETRY/RETRY_MAYFAIL/COMP/THISNODE. */
#include <linux/slab.h>
#include <linux/sched/mm.h>
#include <linux/vmalloc.h>

#define PF_MEMALLOC_NORECLAIM		0x00800000u
#define PF_MEMALLOC_NOFAIL		0x01000000u
#define PF_MEMALLOC_NORETRY		0x02000000u
#define PF_MEMALLOC_RETRY_MAYFAIL	0x40000000u
#define PF_MEMALLOC_COMP		0x00000001u
#define PF_MEMALLOC_THISNODE		0x00000002u

void *alloc_noreclaim(unsigned long size)
{
	unsigned int flags = memalloc_flags_save(PF_MEMALLOC_NORECLAIM | PF_MEMALLOC_NOWARN);
	void *p = vmalloc(size);

	memalloc_flags_restore(flags);
	return p;
}

void *alloc_nofail(size_t size)
{
	unsigned int flags = memalloc_flags_save(PF_MEMALLOC_NOFAIL);
	void *p = kmalloc(size, GFP_KERNEL);

	memalloc_flags_restore(flags);
	return p;
}

void *alloc_mixed(size_t size)
{
	unsigned int flags;
	void *p;

	flags = memalloc_flags_save(PF_MEMALLOC_NOFS | PF_MEMALLOC_NORETRY);
	p = kmalloc(size, GFP_KERNEL);
	memalloc_flags_restore(flags);
	flags = memalloc_flags_save(PF_MEMALLOC_RETRY_MAYFAIL);
	kfree(p);
	memalloc_flags_restore(flags);
	flags = memalloc_flags_save(PF_MEMALLOC_COMP | PF_MEMALLOC_THISNODE);
	p = kmalloc(size, GFP_KERNEL);
	memalloc_flags_restore(flags);
	return p;
}
