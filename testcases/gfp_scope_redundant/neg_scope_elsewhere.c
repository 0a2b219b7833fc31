// SPDX-License-Identifier: GPL-2.0-only
/*
 * Negative: the scope is opened by another function (a helper, or the
 * caller); this rule only trusts a save in the same function.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct foo_fs {
	unsigned int nofs;
	void *buf;
};

static void foo_fs_lock(struct foo_fs *fs)
{
	fs->nofs = memalloc_nofs_save();
}

static void foo_fs_unlock(struct foo_fs *fs)
{
	memalloc_nofs_restore(fs->nofs);
}

int foo_fs_update(struct foo_fs *fs, size_t len)
{
	foo_fs_lock(fs);
	fs->buf = kmalloc(len, GFP_NOFS);
	foo_fs_unlock(fs);
	return fs->buf ? 0 : -ENOMEM;
}
