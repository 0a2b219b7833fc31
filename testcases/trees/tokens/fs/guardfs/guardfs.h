/* SPDX-License-Identifier: GPL-2.0-only */
/* A journal handle as ext4 has it without a journal: the start hands out a number
 * cast to the handle type (gd_get_nojournal(), ext4_get_nojournal()'s shape), and
 * gd_handle_valid() tells a real handle from it by a bound in the first page. */
#ifndef _GUARDFS_H
#define _GUARDFS_H
#include <linux/slab.h>
#include <linux/sched/mm.h>

#define GD_MAX_REF ((unsigned long) 4096)

struct gd_handle {
	unsigned long saved;
	int h_flags;
};

static inline int gd_handle_valid(struct gd_handle *handle)
{
	if ((unsigned long)handle < GD_MAX_REF)
		return 0;
	return 1;
}

struct gd_handle *gd_start(int nojournal);
int gd_stop(struct gd_handle *handle);
#endif
