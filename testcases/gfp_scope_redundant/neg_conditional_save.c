// SPDX-License-Identifier: GPL-2.0-only
/*
 * Negative: the scope is opened only when the caller asks for it, so the
 * allocation is reached without it on the other path.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

void *foo_get_buf(size_t len, bool in_transaction)
{
	unsigned int nofs_flag = 0;
	void *buf;

	if (in_transaction)
		nofs_flag = memalloc_nofs_save();
	buf = kmalloc(len, GFP_NOFS);
	if (in_transaction)
		memalloc_nofs_restore(nofs_flag);
	return buf;
}
