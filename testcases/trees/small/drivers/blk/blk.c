// SPDX-License-Identifier: GPL-2.0-only
#include <linux/slab.h>

struct blk_ops {
	void *(*alloc)(size_t size, gfp_t gfp);
};

int blk_submit(const struct blk_ops *ops, void **out)
{
	*out = ops->alloc(512, GFP_NOIO);
	return *out ? 0 : -ENOMEM;
}

/* asm goto is valid C for gcc, but spatch 1.1.1 cannot parse this function */
void *blk_unparsable(int secno)
{
	asm goto("" :::: out);
out:
	if (secno & 3)
		return NULL;
	return kmalloc(4, GFP_NOIO);
}
