/* SPDX-License-Identifier: GPL-2.0-only */
/* Macros that wrap a memalloc scope around one argument (issue 14): the ones that qualify,
 * and the look-alikes that do not. */
#ifndef _PRCFS_WRAP_H
#define _PRCFS_WRAP_H
#include "prcfs.h"

/* bcachefs's memalloc_flags_do() (fs/bcachefs/fs.c): the flags are an argument */
#define memalloc_flags_do(_flags, _do)					\
({									\
	unsigned _saved_flags = memalloc_flags_save(_flags);		\
	typeof(_do) _ret = _do;						\
	memalloc_noreclaim_restore(_saved_flags);			\
	_ret;								\
})

/* a do { } while (0) around a statement, nofs by its own save */
#define prcfs_with_nofs(stmt) do { unsigned int __f = memalloc_nofs_save(); stmt; memalloc_nofs_restore(__f); } while (0)

/* the wrapped parameter is the first; the second is dropped */
#define prcfs_wrap_first(stmt, unused) do { unsigned int __f = memalloc_nofs_save(); stmt; memalloc_nofs_restore(__f); } while (0)

/* look-alikes: the argument before the save, after the restore, used twice */
#define prcfs_before(stmt) do { stmt; unsigned int __f = memalloc_nofs_save(); memalloc_nofs_restore(__f); } while (0)
#define prcfs_after(stmt) do { unsigned int __f = memalloc_nofs_save(); memalloc_nofs_restore(__f); stmt; } while (0)
#define prcfs_twice(stmt) do { unsigned int __f = memalloc_nofs_save(); stmt; memalloc_nofs_restore(__f); stmt; } while (0)
/* a conditional save, a conditional restore, a restore of another cookie */
#define prcfs_cond_save(c, x) ({ unsigned int __f = (c) ? memalloc_nofs_save() : 0; x; memalloc_nofs_restore(__f); })
#define prcfs_cond_restore(stmt) do { unsigned int __f = memalloc_nofs_save(); stmt; if (__f) memalloc_nofs_restore(__f); } while (0)
#define prcfs_other_cookie(c, stmt) do { unsigned int __f = memalloc_nofs_save(); stmt; memalloc_nofs_restore(c); } while (0)

/* defined twice, differently, in two #if branches */
#ifdef CONFIG_PRCFS_SCOPED
#define prcfs_maybe_nofs(stmt) do { unsigned int __f = memalloc_nofs_save(); stmt; memalloc_nofs_restore(__f); } while (0)
#else
#define prcfs_maybe_nofs(stmt) do { stmt; } while (0)
#endif

/* defined here as a nofs wrapper, and in wrap_b.c as a noio one */
#define prcfs_nofs_do(x) ({ unsigned int __f = memalloc_nofs_save(); x; memalloc_nofs_restore(__f); })
#endif
