// SPDX-License-Identifier: GPL-2.0-only
/* Scopes opened and closed under conditions that agree (mm/vmalloc.c,
 * fs/namei.c page_symlink, drivers/md/md.c md_start_sync with its cookie
 * initialised to 0): balanced, though not path by path. */
#include <linux/slab.h>
#include <linux/sched/mm.h>

int map_pages(gfp_t gfp_mask, void **p)
{
	unsigned int flags;

	if ((gfp_mask & (__GFP_FS | __GFP_IO)) == __GFP_IO)
		flags = memalloc_nofs_save();
	else if ((gfp_mask & (__GFP_FS | __GFP_IO)) == 0)
		flags = memalloc_noio_save();

	*p = kmalloc(64, GFP_KERNEL);

	if ((gfp_mask & (__GFP_FS | __GFP_IO)) == __GFP_IO)
		memalloc_nofs_restore(flags);
	else if ((gfp_mask & (__GFP_FS | __GFP_IO)) == 0)
		memalloc_noio_restore(flags);
	return *p ? 0 : -ENOMEM;
}

int symlink_retry(bool nofs, void **p, int n)
{
	unsigned int flags;

retry:
	if (nofs)
		flags = memalloc_nofs_save();
	*p = kmalloc(n, GFP_KERNEL);
	if (nofs)
		memalloc_nofs_restore(flags);
	if (!*p)
		return -ENOMEM;
	if (n-- > 0)
		goto retry;
	return 0;
}

int start_sync(int need, void **p)
{
	bool suspend = false;
	unsigned int noio_flags = 0;
	int err = 0;

	if (need) {
		suspend = true;
		noio_flags = memalloc_noio_save();
	}
	*p = kmalloc(64, GFP_KERNEL);
	if (!*p) {
		err = -ENOMEM;
		goto out;
	}
out:
	if (suspend) {
		memalloc_noio_restore(noio_flags);
		kfree(*p);
	}
	return err;
}
