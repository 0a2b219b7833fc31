// SPDX-License-Identifier: GPL-2.0-only
/*
 * gfplex --graph test input: function definitions in the kernel's styles.
 * Expected output: graph_defs.graph (FN records, and the calls they hold).
 */
#include <linux/slab.h>
#include <linux/export.h>

#define __init __attribute__((__section__(".init.text")))
#define __always_inline inline __attribute__((__always_inline__))
#define noinline __attribute__((__noinline__))
/* sparse annotations: nothing for gcc */
#define __acquires(x)
#define __releases(x)
#define __must_hold(x)
#define __printf(a, b) __attribute__((format(printf, a, b)))

struct lock {
	int held;
};

/* the prototypes are no calls */
int plain(int a);
static void helper(struct lock *l);
extern void *plain_ptr(int a), other_ptr(void);

int plain(int a)
{
	helper(NULL);
	return a + 1;
}

static void helper(struct lock *l)
{
	if (l)
		l->held = 0;
}

static inline int small(int x) { return x * 2; }

static __always_inline int forced(int x)
{
	return small(x);
}

static noinline int
not_inlined(int x)
{
	return forced(x);
}

static int __init
early_setup(void)
{
	return not_inlined(1);
}

unsigned long
__printf(1, 2) logit(const char *fmt, ...)
{
	return plain(0);
}

static void take(struct lock *l)
	__acquires(l)
{
	l->held = 1;
}

static void drop(struct lock *l) __releases(l)
{
	l->held = 0;
}

static int holds(struct lock *l) __must_hold(l)
{
	return l->held;
}

void *
plain_ptr(int a)
{
	return kmalloc(a, GFP_KERNEL);
}

/* returns a function pointer */
static int (*pick(int which))(int)
{
	return which ? small : forced;
}

/* written with a macro: named after it */
#define DEFINE_HANDLER(name, arg) long handler_##name(int arg)

DEFINE_HANDLER(reset, how)
{
	return early_setup() + how;
}

/* the header differs per configuration, the body is shared */
#ifdef CONFIG_WIDE
static long pick_width(long a, long b)
{
#else
static long pick_width(long a)
{
	long b = 0;
#endif
	return a + b + holds(NULL);
}

int after_branches(void)
{
	take(NULL);
	drop(NULL);
	return pick(0)(1) + (int)pick_width(1) + (int)logit("x");
}
EXPORT_SYMBOL(after_branches);
