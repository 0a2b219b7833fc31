// SPDX-License-Identifier: GPL-2.0-only
/* Scopes that begin and end in their function provide nothing to callers:
 * a local save and restore, nested scopes, a cookie handed to a helper,
 * drivers/md's cookie initialised to 0 (restoring 0 on the path that did
 * not save), a restore of a number (gfp_scope_cookie's bug, not a
 * provider), and a flag tested in current->flags without being set. */
#include <linux/slab.h>
#include <linux/sched/mm.h>

void end_scope(unsigned int cookie);	/* restores cookie, elsewhere */

void *local(int n)
{
	unsigned int flags = memalloc_nofs_save();
	void *p = kmalloc(n, GFP_KERNEL);

	memalloc_nofs_restore(flags);
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

void *handed_over(int n)
{
	unsigned int flags = memalloc_noio_save();
	void *p = kmalloc(n, GFP_KERNEL);

	end_scope(flags);
	return p;
}

int start_sync(int need, void **p)
{
	unsigned int noio_flags = 0;

	if (need)
		noio_flags = memalloc_noio_save();
	*p = kmalloc(64, GFP_KERNEL);
	memalloc_noio_restore(noio_flags);
	return *p ? 0 : -ENOMEM;
}

void *zero_cookie(int n)
{
	unsigned int flags = memalloc_nofs_save();
	void *p = kmalloc(n, GFP_KERNEL);

	memalloc_nofs_restore(0);
	(void)flags;
	return p;
}

bool in_nofs_scope(void)
{
	return (current->flags & PF_MEMALLOC_NOFS) != 0;
}
