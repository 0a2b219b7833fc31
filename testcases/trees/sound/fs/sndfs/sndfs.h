/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SNDFS_H
#define _SNDFS_H
#include <linux/slab.h>
#include <linux/sched/mm.h>

/* a header macro that ends the scope: seen through the macro, in every file */
#define sndfs_leave_nofs(c)	memalloc_nofs_restore(c)

/* declared, defined nowhere in the tree (as if in assembly): what it does is unknown */
void sndfs_mystery(unsigned int c);

void sndfs_count(size_t n);

/* functions made by ## (as tracepoints and btrfs's accessors are): one that ends the scope */
#define SNDFS_GETTER(name)	static inline int sndfs_get_##name(int x) { return x + 1; }
#define SNDFS_ENDER(name)	static inline void sndfs_end_##name(unsigned int c) \
	{ memalloc_nofs_restore(c); }
SNDFS_GETTER(size)
SNDFS_ENDER(early)
#endif
