// SPDX-License-Identifier: GPL-2.0-only
/* A wrapper macro of wrap.h defined again, differently, in a .c file; and a macro of a .c
 * file used before its #define (the use is not the macro: it stays keep). */
#include "prcfs.h"

void *prcfs_wrap_too_early(size_t n)
{
	void *p;

	prcfs_local_nofs(p = kmalloc(n, GFP_NOFS));
	return p;
}

#define prcfs_local_nofs(x) ({ unsigned int __f = memalloc_nofs_save(); x; memalloc_nofs_restore(__f); })

/* the local macro after its #define: covered */
void *prcfs_wrap_local(size_t n)
{
	void *p;

	prcfs_local_nofs(p = kmalloc(n, GFP_NOFS));
	return p;
}

#define prcfs_nofs_do(x) ({ unsigned int __f = memalloc_noio_save(); x; memalloc_noio_restore(__f); })

void *prcfs_wrap_redefined_b(size_t n)
{
	void *p;

	prcfs_nofs_do(p = kmalloc(n, GFP_NOFS));
	return p;
}
