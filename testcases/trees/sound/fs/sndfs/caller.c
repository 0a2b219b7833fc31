// SPDX-License-Identifier: GPL-2.0-only
#include "sndfs.h"

void *sndfs_helper(size_t n);

void *sndfs_caller(size_t n)
{
	unsigned int c = memalloc_nofs_save();
	void *p = sndfs_helper(n);

	memalloc_nofs_restore(c);
	return p;
}
