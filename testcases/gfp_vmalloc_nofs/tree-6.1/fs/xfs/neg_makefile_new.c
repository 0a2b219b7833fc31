// SPDX-License-Identifier: GPL-2.0-only
/* In a v6.1 tree (tree-6.1/Makefile), without -D kernel_version: nothing
 * to report. neg_makefile_new.c links here; pos_dversion_wins.c too, with
 * -D kernel_version=5.10, which takes precedence over the Makefile. */
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/mm.h>

struct buf {
	void *map;
	void *log;
	void *node;
	void *bio;
};

void fill(struct buf *b, size_t n, struct address_space *m)
{
	b->map = __vmalloc(n, GFP_NOFS | __GFP_ZERO);
	b->log = kvmalloc(n, GFP_NOFS);
	b->node = kvzalloc(n, GFP_NOIO);
	b->bio = kvcalloc(n, 8, GFP_NOFS);
	b->bio = kvmalloc_array(n, 8, GFP_NOFS);
	b->node = kvmalloc_node(n, GFP_NOFS, NUMA_NO_NODE);
	b->map = __vmalloc_node(n, 1, GFP_NOIO, NUMA_NO_NODE, NULL);
	b->log = kvrealloc(b->log, 2 * n, GFP_KERNEL & ~__GFP_FS);
	b->log = kvmalloc(n, mapping_gfp_constraint(m, ~__GFP_FS));
}

/* not reported: the masks that are fine on any kernel */
void fine(struct buf *b, size_t n)
{
	b->map = __vmalloc(n, GFP_KERNEL);
	b->log = kvmalloc(n, GFP_KERNEL | __GFP_FS);
	b->node = vmalloc(n);
	b->bio = kmalloc(n, GFP_NOFS);
}
