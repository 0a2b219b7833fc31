// SPDX-License-Identifier: GPL-2.0-only
/*
 * gfplex --graph test input: DEFINE records, the whole of every #define of a
 * name some #define gives a memalloc save (a macro that may wrap a scope around
 * an argument). Expected output: graph_wrap.graph.
 */
#include <linux/slab.h>
#include <linux/sched/mm.h>

/* the bcachefs shape, over three lines */
#define memalloc_flags_do(_flags, _do)					\
({									\
	unsigned _saved_flags = memalloc_flags_save(_flags);		\
	typeof(_do) _ret = _do;						\
	memalloc_noreclaim_restore(_saved_flags);			\
	_ret;								\
})

/* a name defined twice: both definitions are printed, the plain one too */
#ifdef CONFIG_PRC_NOFS
#define with_nofs(stmt) do { unsigned int __f = memalloc_nofs_save(); stmt; memalloc_nofs_restore(__f); } while (0)
#else
#define with_nofs(stmt) do { stmt; } while (0)
#endif

/* dead code prints nothing */
#if 0
#define with_nofs(stmt) stmt
#endif

/* a name that is also a function, a literal in the body, a variadic macro */
int wrap_fn(int x);
#define wrap_fn(x) ({ unsigned int __c = memalloc_noio_save(); x; memalloc_noio_restore(__c); })
#define wrap_str(x) ({ unsigned int __c = memalloc_nofs_save(); pr_info("a\tb"); x; memalloc_nofs_restore(__c); })
#define wrap_va(...) ({ unsigned int __c = memalloc_nofs_save(); __VA_ARGS__; memalloc_nofs_restore(__c); })

/* no save in any definition: nothing printed */
#define plain_do(x) do { x; } while (0)

void *prc_user(int n)
{
	void *p = memalloc_flags_do(PF_MEMALLOC_NOFS, kmalloc(n, GFP_NOFS));

	with_nofs(kfree(p));
	return p;
}
