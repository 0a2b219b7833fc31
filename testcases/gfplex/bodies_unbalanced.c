// SPDX-License-Identifier: GPL-2.0-only
/*
 * gfplex --bodies test input: #if branches whose braces the walk cannot
 * balance (the first branch opens a body, the second opens and closes one,
 * and after #endif the depth is the first branch's). The file gets a U record
 * and no B record: the driver does not mask it (bodies_unbalanced.bodies).
 */
#include <linux/slab.h>

static int before(int a)
{
	return a;
}

#if defined(CONFIG_NEVER_SET)
static int split(int a) {
	a++;
#elif 1
static int split(int a) {
	return before(a);
}
#endif

int after(void)
{
	return split(1);
}
