// SPDX-License-Identifier: GPL-2.0-only
#include "ipafs.h"

void *ipafs_other_file(size_t n)
{
	unsigned int flags = memalloc_nofs_save();
	void *p = ipafs_shared_helper(n);

	memalloc_nofs_restore(flags);
	kfree(ipafs_shared_unscoped(n));
	return p;
}
