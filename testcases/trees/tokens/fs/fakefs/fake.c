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
