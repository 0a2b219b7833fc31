// SPDX-License-Identifier: GPL-2.0-only
/*
 * gfplex --graph test input: calls. Direct calls, calls in macro bodies,
 * calls through pointers (ICALL), what is not a call (keywords, operators,
 * casts, declarators, attributes, asm), and the EXPORT_SYMBOL variants.
 * Expected output: graph_calls.graph.
 */
#include <linux/slab.h>
#include <linux/export.h>
#include <linux/sched/mm.h>

#define EXPORT_SYMBOL_NS(sym, ns) extern int __export_ns_##sym
#define EXPORT_SYMBOL_NS_GPL(sym, ns) extern int __export_ns_gpl_##sym

struct alloc_ops {
	void *(*alloc)(size_t size, gfp_t gfp);
	void (*release)(void *p);
};

struct holder {
	const struct alloc_ops *ops;
	struct alloc_ops inline_ops;
	void (*table[2])(void *p);
};

typedef void (*release_t)(void *p);

int fs_reclaim(int n);

/* a macro whose body calls: MACRO record, the macro is the caller */
#define nofs_alloc(size) \
	({ unsigned int __f = memalloc_nofs_save(); \
	   void *__p = kmalloc((size), GFP_KERNEL); \
	   memalloc_nofs_restore(__f); __p; })

/* calls through a parameter: not calls of the parameter's name */
#define call_with(fn, arg) fn(arg)

/* a macro that only computes: no MACRO record */
#define TWICE(x) ((x) * 2)

int fs_reclaim(int n)
{
	return n > 0 ? fs_reclaim(n - 1) : 0;
}

static void *direct(size_t n)
{
	void *p = nofs_alloc(n);
	if (!p)
		p = kzalloc(TWICE(n), GFP_NOFS);
	kfree(p);
	return kmalloc(n, GFP_NOFS);
}

static void indirect(struct holder *h, void *p, release_t fp)
{
	void *q = h->ops->alloc(16, GFP_NOFS);
	h->inline_ops.release(q);
	(*fp)(p);
	(h->ops->release)(p);
	h->table[1](p);
	call_with(fp, p);
}

static int not_calls(int x, void *p)
{
	int n = sizeof(x) + sizeof(struct holder);
	__typeof__(x) y = x;
	void (*local_fp)(void *) = NULL;
	unsigned long v = (unsigned long)(p);

	if (x)
		(void)x;
	while (y--)
		n += __builtin_popcount(y);
	for (n = 0; n < 2; n++)
		switch (n) {
		default:
			break;
		}
	asm volatile("" : : "r" (v) : "memory");
	if (local_fp)
		return (int)(unsigned long)(local_fp);
	return n + (int)(v) + _Generic(x, int: 1, default: 0);
}

__attribute__((unused)) static int attributed(void)
{
	return fs_reclaim(2) + not_calls(1, NULL);
}

/* comments and strings name functions without calling them: fs_reclaim(1) */
static const char *name = "fs_reclaim(2)";

void exported(void)
{
	direct(1);
	indirect(NULL, NULL, NULL);
}
EXPORT_SYMBOL(exported);
EXPORT_SYMBOL_GPL(fs_reclaim);
EXPORT_SYMBOL_NS(direct, FS);
EXPORT_SYMBOL_NS_GPL(indirect, FS);
