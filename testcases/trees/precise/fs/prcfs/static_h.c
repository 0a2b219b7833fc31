// SPDX-License-Identifier: GPL-2.0-only
/* Calls the global prcfs_fill3() of static_g.c, outside any scope. */
#include "prcfs.h"

void *prcfs_fill3(size_t n);

void *prcfs_h_user(size_t n)
{
	return prcfs_fill3(n);
}
