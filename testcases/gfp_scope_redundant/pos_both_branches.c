// SPDX-License-Identifier: GPL-2.0-only
/*
 * Positive: both branches of the if open a scope, so every path to the
 * allocation goes through a save (the report names the first one).
 */
#include <linux/vmalloc.h>
#include <linux/sched/mm.h>

void *foo_vmalloc(unsigned long size, bool noio)
{
	unsigned int flags;
	void *p;

	if (noio)
		flags = memalloc_noio_save();
	else
		flags = memalloc_nofs_save();
	p = __vmalloc(size, GFP_NOFS);
	if (noio)
		memalloc_noio_restore(flags);
	else
		memalloc_nofs_restore(flags);
	return p;
}
