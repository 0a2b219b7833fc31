// SPDX-License-Identifier: GPL-2.0-only
/* A file with no prcfs_fill2 of its own calls the name through the header's macro,
 * outside any scope: which static function it reaches is not known, so neither
 * prcfs_fill2 may be converted. */
#include "prcfs.h"

void *prcfs_fill2(size_t n);

void *prcfs_e_user(size_t n)
{
	return PRCFS_FILL2(n);
}
