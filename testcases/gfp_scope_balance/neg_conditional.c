// SPDX-License-Identifier: GPL-2.0-only
/* Scopes opened and closed under the same condition (mm/vmalloc.c,
 * fs/namei.c page_symlink): balanced, though not path by path. */
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
