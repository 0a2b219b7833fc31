// SPDX-License-Identifier: GPL-2.0-only
/*
 * Positive: a nofs scope around one kmalloc() says nothing about what it
 * protects; also the declaration form of the cookie.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct foo_acl {
	void *value;
};

int foo_get_acl(struct foo_acl *acl, size_t size)
{
	unsigned int nofs_flag;

	nofs_flag = memalloc_nofs_save();
	acl->value = kmalloc(size, GFP_KERNEL);
	memalloc_nofs_restore(nofs_flag);
	if (!acl->value)
		return -ENOMEM;
	return 0;
}

void *foo_get_buf(size_t size)
{
	unsigned int nofs_flag = memalloc_nofs_save();
	void *buf = kzalloc(size, GFP_KERNEL);
	memalloc_nofs_restore(nofs_flag);
	return buf;
}
