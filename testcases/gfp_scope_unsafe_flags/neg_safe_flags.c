// SPDX-License-Identifier: GPL-2.0-only
/* The flags that are safe to scope, alone and combined, as
 * include/linux/sched/mm.h uses them. */
#include <linux/slab.h>
#include <linux/sched/mm.h>

unsigned int my_noio_save(void)
{
	return memalloc_flags_save(PF_MEMALLOC_NOIO);
}

unsigned int my_noreclaim_save(void)
{
	return memalloc_flags_save(PF_MEMALLOC);
}

unsigned int my_pin_save(void)
{
	return memalloc_flags_save(PF_MEMALLOC_PIN);
}

void *alloc_nofs_noio(size_t size)
{
	unsigned int flags = memalloc_flags_save(PF_MEMALLOC_NOFS | PF_MEMALLOC_NOIO);
	void *p = kmalloc(size, GFP_KERNEL);

	memalloc_flags_restore(flags);
	return p;
}

void *alloc_nofs(size_t size)
{
	unsigned int flags = memalloc_nofs_save();
	void *p = kmalloc(size, GFP_KERNEL);

	memalloc_nofs_restore(flags);
	return p;
}
