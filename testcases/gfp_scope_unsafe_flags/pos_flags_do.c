// SPDX-License-Identifier: GPL-2.0-only
/* bcachefs' memalloc_flags_do(): the scope wraps one expression. */
#include <linux/slab.h>
#include <linux/sched/mm.h>
#include <linux/vmalloc.h>

#define PF_MEMALLOC_NORECLAIM	0x00800000u

#define memalloc_flags_do(_flags, _do)					\
({									\
	unsigned _saved_flags = memalloc_flags_save(_flags);		\
	typeof(_do) _ret = _do;						\
	memalloc_flags_restore(_saved_flags);				\
	_ret;								\
})

void *vmalloc_noreclaim(unsigned long size)
{
	return memalloc_flags_do(PF_MEMALLOC_NORECLAIM, vmalloc(size));
}

void *vmalloc_nofs(unsigned long size)
{
	return memalloc_flags_do(PF_MEMALLOC_NOFS, vmalloc(size));
}
