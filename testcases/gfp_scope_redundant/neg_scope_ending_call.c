// SPDX-License-Identifier: GPL-2.0-only
/*
 * Negative: a call that ends a scope opened elsewhere (jbd2_journal_stop()
 * restores the context saved when the handle was started) may clear the
 * flag this function's own save set, if the handle was started before it.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

typedef struct jbd2_journal_handle handle_t;
int jbd2_journal_stop(handle_t *handle);

void *foo_after_stop(handle_t *handle, size_t len)
{
	unsigned int nofs_flag;
	void *p;

	nofs_flag = memalloc_nofs_save();
	jbd2_journal_stop(handle);
	p = kmalloc(len, GFP_NOFS);
	memalloc_nofs_restore(nofs_flag);
	return p;
}
