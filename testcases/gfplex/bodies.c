// SPDX-License-Identifier: GPL-2.0-only
/*
 * gfplex --bodies test input: the function bodies graph mode's walk finds,
 * which the driver's masking blanks (scripts/gfpscope_lib/collect/masking.py).
 * Expected output: bodies.bodies (B records: the offsets and lines of "{" and
 * "}", the name, the directives inside); bodies.graph has the FN records of the
 * same walk.
 */
#include <linux/slab.h>

#define __init __attribute__((__section__(".init.text")))
#define __releases(x)
#define noinline __attribute__((__noinline__))
#define __nokprobe
#define define_machine(n) static struct ops mach_##n =

struct ops {
	int (*open)(int);
	const char *name;
};

/* a #define holding braces is no body, at file scope or anywhere */
#define BODY_MACRO(x) { return (x); }
#define INIT_OPS(f) { .open = f, .name = "{" }

/* braces in strings, character constants and comments do not count */
static int strings(int a)
{
	const char *s = "} { \" }";
	char c = '{';	/* } */
	// {
	return a + s[0] + c + '}';
}

/* attributes after the header are skipped */
static int __init attr_init(void)
{
	return 1;
}

static noinline int attr_after(int x) __releases(x) __nokprobe
{
	return x;
}

/* two headers in #if branches, one body: two records with one close, each
 * holding an #else or #endif of a group opened before it (cross) */
#ifdef CONFIG_TWO
static int two_headers(int a, int b)
{
#else
static int two_headers(int a)
{
	int b = 0;
#endif
	return a + b;
}

/* one header, a body per #if branch: two records, each its own */
static int two_bodies(int a)
#ifdef CONFIG_TWO
{
	return a;
}
#else
{
	return -a;
}
#endif

/* an #if group wholly inside the body: if; an #if 0 with braces: not counted */
static int inner_if(int a)
{
#ifdef CONFIG_X
	if (a) {
#else
	if (!a) {
#endif
		a++;
	}
#if 0
	{ {
#endif
	return a;
}

/* a #define inside the body: define */
static int holds_define(int a)
{
#define LOCAL_TWICE(x) ((x) * 2)
	return LOCAL_TWICE(a);
#undef LOCAL_TWICE
}

/* another directive inside: other */
static int holds_pragma(int a)
{
#pragma GCC diagnostic push
	return a;
#pragma GCC diagnostic pop
}

/* struct and enum definitions and initializers are no bodies */
struct pair { int a, b; };
enum colour { RED, GREEN };
static struct ops the_ops = { .open = strings, .name = "x" };
static struct ops more_ops[] = { INIT_OPS(attr_after) };
define_machine(pc) { .open = strings, .name = "pc" };
static struct pair pairs[2] = { { 1, 2 }, { 3, 4 } };

/* a K&R definition has no header the walk knows: no record */
int knr(a)
	int a;
{
	return a;
}

/* a definition written with a macro (its first argument a lone name) */
#define DEFINE_GETTER(name, type) type get_##name(void)
DEFINE_GETTER(colour, int)
{
	return GREEN;
}

/* a function returning a function pointer */
static int (*pick(int which))(int)
{
	return which ? strings : attr_after;
}

int last(void)
{
	return two_headers(1) + two_bodies(1) + inner_if(0) + holds_define(1) +
		holds_pragma(1) + knr(1) + get_colour() + pick(0)(1) + attr_init() +
		the_ops.open(0) + more_ops[0].open(0) + mach_pc.open(0) + pairs[0].a + RED;
}
