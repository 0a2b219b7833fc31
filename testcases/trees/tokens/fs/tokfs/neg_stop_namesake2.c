// SPDX-License-Identifier: GPL-2.0-only
/* A static namesake of neg_stop_namesake.c's stop nsn_suspend(): with it, that stop is
 * defined twice and tokens.py reads neither definition (part of neg_stop_namesake.c).
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct nsn_trans;
unsigned long nsn_cookie(struct nsn_trans *tp);

static inline void nsn_suspend(struct nsn_trans *tp)
{
	memalloc_nofs_restore(nsn_cookie(tp));
}

void nsn_other_end(struct nsn_trans *tp)
{
	nsn_suspend(tp);
	kfree(tp);
}
