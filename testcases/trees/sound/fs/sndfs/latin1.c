// SPDX-License-Identifier: GPL-2.0-only
/* Written by René (a Latin-1 byte: the file is not UTF-8, and patch rewrites it) */
#include "sndfs.h"

void *sndfs_latin1_scoped(size_t n)
{
	unsigned int c = memalloc_nofs_save();
	void *p = kmalloc(n, GFP_NOFS);

	memalloc_nofs_restore(c);
	return p;
}
