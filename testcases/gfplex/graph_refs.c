// SPDX-License-Identifier: GPL-2.0-only
/*
 * gfplex --graph test input: functions used other than by a direct call
 * (REF), and the uses of their names that are not REFs (members,
 * declarations, labels, the definition itself).
 * Expected output: graph_refs.graph.
 */
#include <linux/slab.h>
#include <linux/fs.h>

struct work_struct {
	void (*func)(struct work_struct *w);
};

struct file_ops {
	int (*open)(void *p);
	int (*release)(void *p);
};

typedef int (*open_t)(void *p);

void init_work_fn(struct work_struct *w, void (*fn)(struct work_struct *w));
#define INIT_WORK(w, fn) init_work_fn((w), (fn))

/* an object-like macro that calls: using it is a call, so it is a REF */
struct task_struct *get_task(void);
#define my_current get_task()
/* an alias of a function: a REF where it is used (nothing calls it) */
#define open_alias foo_open
/* a name defined as itself (arch headers announce an override so): no REF */
#define worker worker

int register_thing(open_t fn);

static int foo_open(void *p)
{
	return p != NULL;
}

static int foo_release(void *p)
{
	return foo_open(p);
}

static void worker(struct work_struct *w)
{
	kfree(w);
}

/* an ops table: .open is a member, foo_open a REF at file scope */
static const struct file_ops foo_ops = {
	.open = foo_open,
	.release = foo_release,
};

/* an array table */
static open_t table[] = { foo_open, foo_release, };

static open_t chooser(int which)
{
	if (which)
		return foo_release;	/* return */
	return &foo_open;		/* address-of */
}

static int user(struct work_struct *w, struct file_ops *ops)
{
	int foo_release = 0;		/* a declaration: no REF */
	void *p = (void *)foo_open;	/* cast */
	open_t fn = (open_t)(foo_open);

	INIT_WORK(w, worker);		/* macro argument */
	ops->open = foo_open;		/* assignment */
	ops->release(p);		/* a member call: ICALL */
	register_thing(foo_release == 0 ? foo_open : NULL);
	register_thing(open_alias);
	if (!my_current)
		goto foo_open;
	return fn(p) + foo_ops.open(p) + table[0](p) + (foo_open)(p);
foo_open:
	return foo_open(p) + chooser(0)(p);
}

/* designated initializers name their field (an ops table resolved by
 * field); a compound literal in code too; "&f" as well; a positional
 * entry, an assignment and a macro argument name none */
static const struct file_ops amp_ops = {
	.open = &foo_open,
	.release = foo_release
};

static void later(struct file_ops *o, void (*cb)(void))
{
	struct file_ops local = { .open = foo_open, };
	o->release = foo_release;
	INIT_WORK(o, worker);
}

/* "&f(x)" takes the address of what f returns (most likely): its REF is marked "()" */
struct holder {
	int field;
};
static struct holder holders[2];

static struct holder *get_holder(int i)
{
	return &holders[i & 1];
}

static int *field_of(int i)
{
	return &get_holder(i)->field;
}
