// SPDX-License-Identifier: GPL-2.0-only
/* GFP_NOIO in a file under fs/ of a kernel tree (linux/Makefile marks the
 * root): each use is reported for review. pos_fs_noio.c links here. */
#include <linux/slab.h>
#include <linux/mm.h>

struct ext4_io {
	void *bio;
	struct page *page;
};

int ext4_io_setup(struct ext4_io *io, size_t n)
{
	io->bio = kmalloc(n, GFP_NOIO);
	if (!io->bio)
		return -ENOMEM;
	io->page = alloc_page(GFP_NOIO | __GFP_NOFAIL);
	return 0;
}

int ext4_io_nofs(struct ext4_io *io, size_t n)
{
	io->bio = kmalloc(n, GFP_NOFS);	/* not reported */
	return io->bio ? 0 : -ENOMEM;
}
