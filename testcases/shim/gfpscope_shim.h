/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The small kernel-API shim that gfpscope's hand-written test inputs (and
 * the .res files the rules produce from them) compile against with
 * gcc -fsyntax-only. Declarations only, with the kernel's names and types.
 */
#ifndef GFPSCOPE_SHIM_H
#define GFPSCOPE_SHIM_H

#include <stddef.h>
#include <stdbool.h>

typedef unsigned int gfp_t;
typedef unsigned long long u64;
typedef unsigned int u32;
typedef long long loff_t;

#define __GFP_DMA		0x01u
#define __GFP_HIGHMEM		0x02u
#define __GFP_DMA32		0x04u
#define __GFP_MOVABLE		0x08u
#define __GFP_RECLAIMABLE	0x10u
#define __GFP_HIGH		0x20u
#define __GFP_IO		0x40u
#define __GFP_FS		0x80u
#define __GFP_ZERO		0x100u
#define __GFP_DIRECT_RECLAIM	0x400u
#define __GFP_KSWAPD_RECLAIM	0x800u
#define __GFP_WRITE		0x1000u
#define __GFP_NOWARN		0x2000u
#define __GFP_RETRY_MAYFAIL	0x4000u
#define __GFP_NOFAIL		0x8000u
#define __GFP_NORETRY		0x10000u
#define __GFP_MEMALLOC		0x20000u
#define __GFP_COMP		0x40000u
#define __GFP_NOMEMALLOC	0x80000u
#define __GFP_HARDWALL		0x100000u
#define __GFP_THISNODE		0x200000u
#define __GFP_ACCOUNT		0x400000u
#define __GFP_NOLOCKDEP		0x800000u
#define __GFP_RECLAIM		(__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM)

#define GFP_ATOMIC	(__GFP_HIGH | __GFP_KSWAPD_RECLAIM)
#define GFP_KERNEL	(__GFP_RECLAIM | __GFP_IO | __GFP_FS)
#define GFP_NOWAIT	(__GFP_KSWAPD_RECLAIM)
#define GFP_NOIO	(__GFP_RECLAIM)
#define GFP_NOFS	(__GFP_RECLAIM | __GFP_IO)
#define GFP_USER	(__GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_HARDWALL)
#define GFP_HIGHUSER	(GFP_USER | __GFP_HIGHMEM)

/* task flags (include/linux/sched.h) */
#define PF_MEMALLOC		0x00000800u
#define PF_MEMALLOC_NOFS	0x00040000u
#define PF_MEMALLOC_NOIO	0x00080000u
#define PF_MEMALLOC_PIN		0x10000000u
#define PF_MEMALLOC_NOWARN	0x20000000u

struct task_struct {
	unsigned int flags;
	void *journal_info;
};
extern struct task_struct *get_current(void);
#define current get_current()

struct page;
struct folio;
struct kmem_cache;
struct address_space;
struct inode;
struct super_block;
struct mutex {
	int locked;
};
struct work_struct;
typedef struct {
	int pool;
} mempool_t;

void *kmalloc(size_t size, gfp_t flags);
void *kzalloc(size_t size, gfp_t flags);
void *kcalloc(size_t n, size_t size, gfp_t flags);
void *kmalloc_array(size_t n, size_t size, gfp_t flags);
void *krealloc(const void *p, size_t new_size, gfp_t flags);
void *kmemdup(const void *src, size_t len, gfp_t gfp);
char *kstrdup(const char *s, gfp_t gfp);
void kfree(const void *p);
void *kmem_cache_alloc(struct kmem_cache *s, gfp_t flags);
void *kmem_cache_zalloc(struct kmem_cache *s, gfp_t flags);
void kmem_cache_free(struct kmem_cache *s, void *p);
struct kmem_cache *kmem_cache_create(const char *name, unsigned int size, unsigned int align,
				     unsigned long flags, void (*ctor)(void *));
void *kvmalloc(size_t size, gfp_t flags);
void *kvzalloc(size_t size, gfp_t flags);
void *kvcalloc(size_t n, size_t size, gfp_t flags);
void *kvmalloc_array(size_t n, size_t size, gfp_t flags);
void kvfree(const void *p);
void *vmalloc(unsigned long size);
void *vzalloc(unsigned long size);
void *__vmalloc(unsigned long size, gfp_t gfp_mask);
void vfree(const void *p);
struct page *alloc_page(gfp_t gfp);
struct page *alloc_pages(gfp_t gfp, unsigned int order);
void __free_page(struct page *page);
void *mempool_alloc(mempool_t *pool, gfp_t gfp_mask);
void mempool_free(void *element, mempool_t *pool);
int radix_tree_preload(gfp_t gfp_mask);
void radix_tree_preload_end(void);
void mapping_set_gfp_mask(struct address_space *m, gfp_t mask);
gfp_t mapping_gfp_constraint(struct address_space *mapping, gfp_t gfp_mask);

/* the scope API (include/linux/sched/mm.h) */
unsigned int memalloc_nofs_save(void);
void memalloc_nofs_restore(unsigned int flags);
unsigned int memalloc_noio_save(void);
void memalloc_noio_restore(unsigned int flags);
unsigned int memalloc_flags_save(unsigned int flags);
void memalloc_flags_restore(unsigned int flags);
unsigned int memalloc_pin_save(void);
void memalloc_pin_restore(unsigned int flags);
unsigned int memalloc_noreclaim_save(void);
void memalloc_noreclaim_restore(unsigned int flags);

void mutex_lock(struct mutex *m);
void mutex_unlock(struct mutex *m);

#define EXPORT_SYMBOL(sym) extern int __export_##sym
#define EXPORT_SYMBOL_GPL(sym) extern int __export_gpl_##sym
#define ENOMEM 12
#define EINVAL 22
#define ENOSPC 28
#define EROFS 30

/* error pointers (include/linux/err.h) */
#define MAX_ERRNO 4095
#define IS_ERR_VALUE(x) ((unsigned long)(void *)(x) >= (unsigned long)-MAX_ERRNO)
static inline void *ERR_PTR(long error) { return (void *)error; }
static inline long PTR_ERR(const void *ptr) { return (long)ptr; }
static inline int IS_ERR(const void *ptr) { return IS_ERR_VALUE((unsigned long)ptr); }
#define unlikely(x) (x)
#define likely(x) (x)

/* vmalloc/kvmalloc variants that take a gfp mask (gfp_vmalloc_nofs tests) */
#define NUMA_NO_NODE	(-1)
void *kvmalloc_node(size_t size, gfp_t flags, int node);
void *kvrealloc(const void *p, size_t size, gfp_t flags);
void *__vmalloc_node(unsigned long size, unsigned long align, gfp_t gfp_mask,
		     int node, const void *caller);

#endif
