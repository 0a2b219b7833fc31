// SPDX-License-Identifier: GPL-2.0-only
/* Types that look like transaction handles and are not scope tokens: an object of each
 * can exist outside the scope. Every allocation below stays keep. */
#include <linux/slab.h>
#include <linux/sched/mm.h>

/* a function returns a new handle it did not open (jbd2_alloc_handle()'s shape) */
struct fake_handle {
	unsigned long saved;
	int h_ref;
};

void fake_start(struct fake_handle *h)
{
	h->saved = memalloc_nofs_save();
}

void fake_stop(struct fake_handle *h)
{
	memalloc_nofs_restore(h->saved);
	kfree(h);
}

struct fake_handle *fake_new(void)
{
	return kzalloc(sizeof(struct fake_handle), GFP_KERNEL);
}

void *fake_user(struct fake_handle *h, size_t n)
{
	h->h_ref++;
	return kmalloc(n, GFP_NOFS);
}

/* the creator opens the scope on one path only */
struct cond_handle {
	unsigned long saved;
	int h_ref;
};

void cond_start(struct cond_handle *h)
{
	h->saved = memalloc_nofs_save();
}

void cond_stop(struct cond_handle *h)
{
	memalloc_nofs_restore(h->saved);
	kfree(h);
}

struct cond_handle *cond_new(int open)
{
	struct cond_handle *h = kzalloc(sizeof(*h), GFP_KERNEL);

	if (h && open)
		cond_start(h);
	return h;
}

void *cond_user(struct cond_handle *h, size_t n)
{
	h->h_ref++;
	return kmalloc(n, GFP_NOFS);
}

/* a cast makes a handle out of a number (ext4_get_nojournal()'s shape) */
struct cast_handle {
	unsigned long saved;
	int h_ref;
};

void cast_start(struct cast_handle *h)
{
	h->saved = memalloc_nofs_save();
}

void cast_stop(struct cast_handle *h)
{
	memalloc_nofs_restore(h->saved);
	kfree(h);
}

struct cast_handle *cast_new(void)
{
	struct cast_handle *h = kzalloc(sizeof(*h), GFP_KERNEL);

	if (h)
		cast_start(h);
	return h;
}

struct cast_handle *cast_nojournal(void)
{
	return (struct cast_handle *)1UL;
}

void *cast_user(struct cast_handle *h, size_t n)
{
	h->h_ref++;
	return kmalloc(n, GFP_NOFS);
}

/* a validity test whose bound lies past the first page: a made-up handle below it may
 * be a mapped address, so a dereference does not tell it apart */
struct big_handle {
	unsigned long saved;
	int h_ref;
};

static inline int big_valid(struct big_handle *h)
{
	if ((unsigned long)h < 65536)
		return 0;
	return 1;
}

void big_start(struct big_handle *h)
{
	h->saved = memalloc_nofs_save();
}

void big_stop(struct big_handle *h)
{
	memalloc_nofs_restore(h->saved);
	kfree(h);
}

struct big_handle *big_new(void)
{
	struct big_handle *h = kzalloc(sizeof(*h), GFP_KERNEL);

	if (h)
		big_start(h);
	return h;
}

struct big_handle *big_nojournal(unsigned long ref)
{
	return (struct big_handle *)ref;
}

void *big_user(struct big_handle *h, size_t n)
{
	h->h_ref++;
	return kmalloc(n, GFP_NOFS);
}

/* a cast of an array: the made-up handle is a real object, and a validity test with
 * a first-page bound does not tell it apart */
struct addr_handle {
	unsigned long saved;
	int h_ref;
};

static char addr_spare[64];

static inline int addr_valid(struct addr_handle *h)
{
	if ((unsigned long)h < 4096)
		return 0;
	return 1;
}

void addr_start(struct addr_handle *h)
{
	h->saved = memalloc_nofs_save();
}

void addr_stop(struct addr_handle *h)
{
	memalloc_nofs_restore(h->saved);
	kfree(h);
}

struct addr_handle *addr_new(void)
{
	struct addr_handle *h = kzalloc(sizeof(*h), GFP_KERNEL);

	if (h)
		addr_start(h);
	return h;
}

struct addr_handle *addr_nojournal(void)
{
	return (struct addr_handle *)addr_spare;
}

void *addr_user(struct addr_handle *h, size_t n)
{
	h->h_ref++;
	return kmalloc(n, GFP_NOFS);
}

/* an allocation cast to the type in a macro (jbd2_alloc_handle()'s shape): an object
 * made where no creation check looks */
struct mac_handle {
	unsigned long saved;
	int h_ref;
};

#define mac_alloc_handle(gfp) ((struct mac_handle *)kzalloc(16, gfp))

void mac_start(struct mac_handle *h)
{
	h->saved = memalloc_nofs_save();
}

void mac_stop(struct mac_handle *h)
{
	memalloc_nofs_restore(h->saved);
	kfree(h);
}

struct mac_handle *mac_new(void)
{
	struct mac_handle *h = mac_alloc_handle(GFP_KERNEL);

	if (h)
		mac_start(h);
	return h;
}

void *mac_user(struct mac_handle *h, size_t n)
{
	h->h_ref++;
	return kmalloc(n, GFP_NOFS);
}

/* a cast of a pointer that an earlier function's integer of the same name does not make
 * a number: the made-up handle may be a real object */
struct shd_handle {
	unsigned long saved;
	int h_ref;
};

static inline int shd_valid(struct shd_handle *h)
{
	if ((unsigned long)h < 4096)
		return 0;
	return 1;
}

void shd_start(struct shd_handle *h)
{
	h->saved = memalloc_nofs_save();
}

void shd_stop(struct shd_handle *h)
{
	memalloc_nofs_restore(h->saved);
	kfree(h);
}

struct shd_handle *shd_new(void)
{
	struct shd_handle *h = kzalloc(sizeof(*h), GFP_KERNEL);

	if (h)
		shd_start(h);
	return h;
}

unsigned long shd_count(void)
{
	unsigned long ref = 0;

	return ref;
}

struct shd_handle *shd_nojournal(char *ref)
{
	return (struct shd_handle *)ref;
}

void *shd_user(struct shd_handle *h, size_t n)
{
	h->h_ref++;
	return kmalloc(n, GFP_NOFS);
}
