// SPDX-License-Identifier: GPL-2.0-only
/*
 * Negative: a scope around one call into code that allocates internally
 * with GFP_KERNEL and takes no gfp_t: the scope is the only way to
 * constrain it, which is what the API is for.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct foo_device;
struct foo_device *foo_device_register(const char *name);

struct foo_device *foo_add_device(const char *name)
{
	struct foo_device *dev;
	unsigned int nofs_flag;

	nofs_flag = memalloc_nofs_save();
	dev = foo_device_register(name);
	memalloc_nofs_restore(nofs_flag);
	return dev;
}
