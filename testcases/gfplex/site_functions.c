// SPDX-License-Identifier: GPL-2.0-only
/*
 * Site mode names the enclosing function as graph mode does (issue 18): a
 * header written twice in #if branches opens one body, so the site in g()
 * below is in g(), not in f(); an attribute between ")" and "{" is skipped;
 * braces inside #if 0 do not count.
 */
#include <linux/slab.h>

#define __must_hold(x)

#ifdef CONFIG_A
static void *f(size_t a)
{
#else
static void *f(size_t a, size_t b)
{
#endif
	return kmalloc(a, GFP_NOFS);
}

static void *g(size_t n)
{
	return kzalloc(n, GFP_NOFS);
}

static void *h(size_t n) __must_hold(x)
{
#if 0
	{ {
#endif
	return kmalloc(n, GFP_NOIO);
}

static void *k(size_t n)
{
	return kmalloc(n, GFP_NOFS);
}
