// SPDX-License-Identifier: GPL-2.0-only
/*
 * Positive: a noio scope implies nofs, so both GFP_NOFS and GFP_NOIO are
 * redundant inside it.
 */
#include <linux/slab.h>
#include <linux/gfp.h>
#include <linux/sched/mm.h>

struct foo_zone {
	void *report;
	struct page *page;
};

int foo_zone_report(struct foo_zone *z, size_t len)
{
	unsigned int noio_flag;
	int ret = 0;

	noio_flag = memalloc_noio_save();
	z->report = kvzalloc(len, GFP_NOFS);
	z->page = alloc_page(GFP_NOIO);
	if (!z->report || !z->page)
		ret = -ENOMEM;
	memalloc_noio_restore(noio_flag);
	return ret;
}
