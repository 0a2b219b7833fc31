// SPDX-License-Identifier: GPL-2.0-only
/* Negative twins from a soundness review: each of these looked provable to an earlier
 * version of the analysis and is not; every site here must stay keep but one (see
 * testcases/driver/test_precision.py). */
/* with CONFIG_RV_ARCH this file has its own rv_fill(); without it, rv_base.c's */
#include "prcfs.h"

#ifdef CONFIG_RV_ARCH
#define RV_HAVE_ARCH_FILL
static void *rv_fill(size_t n)
{
	return kmalloc(n, GFP_KERNEL);
}
#endif

#include "twin_rv_base.c"

void *rv_arch_alloc(size_t n)
{
	return rv_fill(n);
}
