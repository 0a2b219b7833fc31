// SPDX-License-Identifier: GPL-2.0-only
/* Included by static_j.c: its call of prcfs_fill4() outside any scope reaches
 * static_j.c's static function there. */
#include "prcfs.h"

void *prcfs_fill4(size_t n);

void *prcfs_k_user(size_t n)
{
	return prcfs_fill4(n);
}
