// SPDX-License-Identifier: GPL-2.0-only
/* xfs style masks for functions called both inside and outside a
 * transaction: GFP_KERNEL | __GFP_NOLOCKDEP, alone, with more flags, in any
 * order, in a call or an initialiser. Each is counted once. */
#include <linux/slab.h>
#include <linux/mm.h>

struct xfs_ifork {
	void *if_data;
	struct page *page;
};

void xfs_idata_realloc(struct xfs_ifork *ifp, size_t new_size)
{
	ifp->if_data = krealloc(ifp->if_data, new_size,
				GFP_KERNEL | __GFP_NOLOCKDEP | __GFP_NOFAIL);
}

void *xfs_attr_value(size_t valuelen)
{
	return kvmalloc(valuelen, GFP_KERNEL | __GFP_NOLOCKDEP);
}

int xfs_buf_pages(struct xfs_ifork *ifp)
{
	gfp_t gfp_mask = __GFP_NOWARN | __GFP_NOLOCKDEP | GFP_KERNEL;

	ifp->page = alloc_page(gfp_mask);
	if (radix_tree_preload(__GFP_NOLOCKDEP | GFP_KERNEL))
		return -ENOMEM;
	radix_tree_preload_end();
	return 0;
}
