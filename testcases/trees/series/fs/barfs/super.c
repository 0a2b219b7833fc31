// SPDX-License-Identifier: GPL-2.0-only
/* The series test tree: each function's verdict is in testcases/driver/test_series.py. */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct barfs_sb {
	void *log;
	void *journal_buffer_with_a_long_name;
};

/* two callers, barfs_mount() and barfs_remount(), each in its scope: caller-scope */
static void *barfs_alloc_log(size_t size)
{
	return kmalloc(size, GFP_NOFS | __GFP_NOFAIL);
}

/* two sites on one line, in one scope */
static void barfs_pair(struct barfs_sb *sb)
{
	unsigned int flags = memalloc_nofs_save();

	sb->log = krealloc(kmalloc(8, GFP_NOFS), 16, GFP_NOFS);
	memalloc_nofs_restore(flags);
}

int barfs_mount(struct barfs_sb *sb, size_t size)
{
	unsigned int flags = memalloc_nofs_save();

	sb->log = barfs_alloc_log(size);
	sb->journal_buffer_with_a_long_name = kzalloc(size, GFP_NOFS);
	barfs_pair(sb);
	memalloc_nofs_restore(flags);
	return sb->log ? 0 : -ENOMEM;
}

/* the second caller: the commit message names it beside the chain it shows */
int barfs_remount(struct barfs_sb *sb, size_t size)
{
	unsigned int flags = memalloc_nofs_save();

	sb->log = barfs_alloc_log(size);
	memalloc_nofs_restore(flags);
	return sb->log ? 0 : -ENOMEM;
}

/* no scope anywhere: keep */
void *barfs_unscoped(size_t size)
{
	return kmalloc(size, GFP_NOFS);
}
