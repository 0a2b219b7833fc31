// SPDX-License-Identifier: GPL-2.0-only
/* Scope providers, ext4 style: the cookie is returned to the caller (directly
 * or through a local), and the matching unlock restores the cookie its
 * caller passes back. The caller's own pairing is balanced. */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct super_block {
	int s_writepages_rwsem;
};

static inline int ext4_writepages_down_read(struct super_block *sb)
{
	return memalloc_nofs_save();
}

static inline unsigned int down_write_noio(struct super_block *sb)
{
	unsigned int ctx = memalloc_noio_save();

	sb->s_writepages_rwsem++;
	return ctx;
}

static inline void ext4_writepages_up_read(struct super_block *sb, int ctx)
{
	memalloc_nofs_restore(ctx);
}

int ext4_writepages(struct super_block *sb)
{
	int alloc_ctx = ext4_writepages_down_read(sb);
	void *p = kmalloc(64, GFP_KERNEL);

	ext4_writepages_up_read(sb, alloc_ctx);
	kfree(p);
	return 0;
}
