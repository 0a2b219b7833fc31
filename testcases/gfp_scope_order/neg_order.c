// SPDX-License-Identifier: GPL-2.0-only
/* Nested scopes closed in reverse order of save, on the normal and the
 * error path, and two scopes one after the other (not nested). */
#include <linux/slab.h>
#include <linux/sched/mm.h>

int nested(void **a, void **b)
{
	unsigned int nofs, noio;
	int ret = 0;

	nofs = memalloc_nofs_save();
	*a = kmalloc(64, GFP_KERNEL);
	noio = memalloc_noio_save();
	*b = kmalloc(64, GFP_KERNEL);
	if (!*b) {
		ret = -ENOMEM;
		goto out;
	}
	kfree(*a);
out:
	memalloc_noio_restore(noio);
	memalloc_nofs_restore(nofs);
	return ret;
}

void one_after_the_other(void **a, void **b)
{
	unsigned int first = memalloc_nofs_save();

	*a = kmalloc(64, GFP_KERNEL);
	memalloc_nofs_restore(first);

	unsigned int second = memalloc_noio_save();

	*b = kmalloc(64, GFP_KERNEL);
	memalloc_noio_restore(second);
}
