// SPDX-License-Identifier: GPL-2.0-only
/*
 * gfplex --graph test input: what prints nothing. #if 0 code and the #else
 * of #if 1 (dead), comments and strings that name functions, directives
 * other than #define; and the braces of #if branches.
 * Expected output: graph_dead.graph.
 */
#include <linux/slab.h>

static int target(int x)
{
	return x;
}

/* target(1) in a comment; // target(2) */
// target(3) in a line comment \
   continued: target(4)
static const char *s = "target(5) and target";
static const char c = '(';

#if 0
static int dead_fn(void)
{
	return target(6);
}
#define DEAD_MACRO(x) target(x)
#endif

#if 1
static int live_fn(void)
{
	return target(7);
}
#else
static int dead_too(void)
{
	return target(8);
}
#endif

#ifdef CONFIG_UNKNOWN
#define maybe(x) target(x)
#else
#define maybe(x) (x)
#endif

#undef maybe
#define maybe(x) target(x)

#if defined(target) || 0
#error "target is no macro"
#endif

/* one branch opens a block the other also opens: one brace counted */
static int branches(int a)
{
#ifdef CONFIG_A
	if (a > 1) {
#else
	if (a > 2) {
#endif
		a = target(a);
	}
#if 0
	}
#endif
	return a + maybe(a) + live_fn();
}

static int after(void)
{
	return branches(1);
}
