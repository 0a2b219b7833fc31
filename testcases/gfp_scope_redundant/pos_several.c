// SPDX-License-Identifier: GPL-2.0-only
/*
 * Positive: several allocations in one scope, in a declaration, in an if
 * condition and after an error path that restores the scope and returns
 * (the restore is not on any path to the later allocations).
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct foo_request {
	void *hdr;
	void *payload;
	char *name;
};

int foo_request_init(struct foo_request *req, size_t len, const char *name)
{
	unsigned int memflags = memalloc_nofs_save();
	void *hdr = kmalloc(64, GFP_NOFS);

	if (!hdr) {
		memalloc_nofs_restore(memflags);
		return -ENOMEM;
	}
	req->hdr = hdr;
	if (!(req->payload = kcalloc(len, 8, GFP_NOFS)))
		goto out_free;
	req->name = kstrdup(name, GFP_NOFS);
	memalloc_nofs_restore(memflags);
	return 0;

out_free:
	kfree(hdr);
	memalloc_nofs_restore(memflags);
	return -ENOMEM;
}
