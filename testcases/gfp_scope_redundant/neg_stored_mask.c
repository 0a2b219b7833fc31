// SPDX-License-Identifier: GPL-2.0-only
/*
 * Negative: inside an open scope, but the flag is not consumed on the spot
 * by an allocation: it is stored in the mapping for later allocations
 * (which may run outside any scope), kept in a variable, returned,
 * compared, or fed through a helper whose result escapes.
 */
#include <linux/slab.h>
#include <linux/fs.h>
#include <linux/sched/mm.h>

static gfp_t foo_mask;

gfp_t foo_setup_mapping(struct address_space *mapping, size_t len)
{
	unsigned int nofs_flag;
	gfp_t gfp = GFP_NOFS;
	void *p;

	nofs_flag = memalloc_nofs_save();
	mapping_set_gfp_mask(mapping, GFP_NOFS);
	foo_mask = mapping_gfp_constraint(mapping, GFP_NOFS);
	p = kmalloc(len, mapping_gfp_constraint(mapping, GFP_NOFS));
	p = kmalloc(len, foo_mask == GFP_NOFS ? GFP_NOFS : GFP_KERNEL);
	gfp = GFP_NOFS;
	kfree(p);
	memalloc_nofs_restore(nofs_flag);
	return gfp | GFP_NOFS;
}
