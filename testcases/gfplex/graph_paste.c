// SPDX-License-Identifier: GPL-2.0-only
/*
 * gfplex --graph test input: names made with ## (DEVICE_ATTR_RO(foo) uses
 * foo_show). An invocation prints the pasted name as a REF, or as a CALL
 * when the macro calls it, if a function has that name; also through a
 * macro that passes its argument on. And the arguments that are no use of
 * a function of that name: tracepoint names, arguments a macro drops.
 * Expected output: graph_paste.graph.
 */
#include <linux/slab.h>

struct attr {
	const char *name;
	long (*show)(char *buf);
};

/* the template: .show = name##_show */
#define __ATTR_RO(_name) { .name = #_name, .show = _name##_show }
/* passes its argument on: gets the template too */
#define DEVICE_ATTR_RO(_name) struct attr dev_attr_##_name = __ATTR_RO(_name)
/* a pasted call */
#define CALL_STEP(n) step_##n(n)

static long speed_show(char *buf)
{
	return buf != NULL;
}

static long step_1(int n)
{
	return n;
}

static long step_2(int n)
{
	return n + step_1(n);
}

DEVICE_ATTR_RO(speed);
/* mode_show is declared, not defined here: nothing */
long mode_show(char *buf);
DEVICE_ATTR_RO(mode);

static long run(void)
{
	struct attr a = __ATTR_RO(speed);
	return CALL_STEP(1) + CALL_STEP(2) + a.show(NULL);
}

/* a tracepoint named like a function: no use of speed_show */
#define DEFINE_EVENT(template, name, proto, args) extern int __tracepoint_##name
#define DEFINE_SPEED_EVENT(name) DEFINE_EVENT(speed_class, name, int x, x)
DEFINE_SPEED_EVENT(speed_show);
DEFINE_EVENT(speed_class, step_1, int x, x);

/* an argument the macro drops: no use */
#define SECOND(a, b) (b)
/* pasted or stringified arguments may name a function (BTF_ID, alias): uses */
#define BY_NAME(f) extern int __registered__##f
#define NAME_OF(f) #f
BY_NAME(step_2);

static const char *names(void)
{
	long n = SECOND(step_1, 2) + SECOND(2, step_2(1));
	return n ? NAME_OF(step_1) : "";
}
