// SPDX-License-Identifier: GPL-2.0-only
/* Each scope is closed by the restore of its own kind: nofs, noio, flags,
 * nested scopes of both kinds, and mm/vmalloc.c's two conditional scopes
 * whose nofs and noio branches share one cookie variable. */
#include <linux/slab.h>
#include <linux/sched/mm.h>

void *nofs(int n)
{
	unsigned int flags = memalloc_nofs_save();
	void *p = kmalloc(n, GFP_KERNEL);

	memalloc_nofs_restore(flags);
	return p;
}

void *noio(int n)
{
	unsigned int flags = memalloc_noio_save();
	void *p = kmalloc(n, GFP_KERNEL);

	memalloc_noio_restore(flags);
	return p;
}

void *generic(int n)
{
	unsigned int flags = memalloc_flags_save(PF_MEMALLOC_NOIO);
	void *p = kmalloc(n, GFP_KERNEL);

	memalloc_flags_restore(flags);
	return p;
}

void *nested(int n)
{
	unsigned int fs, io;
	void *p;

	fs = memalloc_nofs_save();
	io = memalloc_noio_save();
	p = kmalloc(n, GFP_KERNEL);
	memalloc_noio_restore(io);
	memalloc_nofs_restore(fs);
	return p;
}

void *by_mask(gfp_t gfp_mask, int n)
{
	unsigned int flags;
	void *p;

	if ((gfp_mask & (__GFP_FS | __GFP_IO)) == __GFP_IO)
		flags = memalloc_nofs_save();
	else if ((gfp_mask & (__GFP_FS | __GFP_IO)) == 0)
		flags = memalloc_noio_save();

	p = kmalloc(n, GFP_KERNEL);

	if ((gfp_mask & (__GFP_FS | __GFP_IO)) == __GFP_IO)
		memalloc_nofs_restore(flags);
	else if ((gfp_mask & (__GFP_FS | __GFP_IO)) == 0)
		memalloc_noio_restore(flags);
	return p;
}
