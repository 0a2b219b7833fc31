/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _IPAFS_H
#define _IPAFS_H
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct work_struct {
	void (*func)(struct work_struct *work);
};
#define INIT_WORK(w, f) ((w)->func = (f))

void *ipafs_shared_helper(size_t n);
void *ipafs_shared_unscoped(size_t n);
void *ipafs_exported_helper(size_t n);
void ipafs_from_b(void);
#endif
