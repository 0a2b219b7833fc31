// SPDX-License-Identifier: GPL-2.0-only
/*
 * Positive: GFP_NOFS passed to allocation APIs that are not kmalloc
 * (mempool_alloc, radix_tree_preload) is redundant inside the scope too.
 */
#include <linux/gfp.h>
#include <linux/mempool.h>
#include <linux/sched/mm.h>

struct foo_io {
	mempool_t *pool;
	void *elem;
};

int foo_io_prepare(struct foo_io *io)
{
	unsigned int nofs_flag;
	int err;

	nofs_flag = memalloc_nofs_save();
	io->elem = mempool_alloc(io->pool, GFP_NOFS);
	err = radix_tree_preload(GFP_NOFS);
	if (!err)
		radix_tree_preload_end();
	memalloc_nofs_restore(nofs_flag);
	return err;
}
