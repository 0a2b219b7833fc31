// SPDX-License-Identifier: GPL-2.0-only
/* The handle's life: a real one is created opened and freed by its stop; without a
 * journal the start returns a count cast to the type. */
#include "guardfs.h"

static struct kmem_cache *gd_cache;

static inline void gd_set_context(struct gd_handle *handle)
{
	handle->saved = memalloc_nofs_save();
}

static inline void gd_clear_context(struct gd_handle *handle)
{
	memalloc_nofs_restore(handle->saved);
}

static void gd_free(struct gd_handle *handle)
{
	gd_clear_context(handle);
	kmem_cache_free(gd_cache, handle);
}

static struct gd_handle *gd_get_nojournal(void)
{
	struct gd_handle *handle = current->journal_info;
	unsigned long ref = (unsigned long)handle;

	if (ref >= GD_MAX_REF - 1)
		return NULL;
	ref++;
	handle = (struct gd_handle *)ref;
	current->journal_info = handle;
	return handle;
}

static void gd_put_nojournal(struct gd_handle *handle)
{
	unsigned long ref = (unsigned long)handle;

	ref--;
	handle = (struct gd_handle *)ref;
	current->journal_info = handle;
}

struct gd_handle *gd_start(int nojournal)
{
	struct gd_handle *handle;

	if (nojournal)
		return gd_get_nojournal();
	handle = kmem_cache_zalloc(gd_cache, GFP_KERNEL);
	gd_set_context(handle);
	return handle;
}

int gd_stop(struct gd_handle *handle)
{
	if (!gd_handle_valid(handle)) {
		gd_put_nojournal(handle);
		return 0;
	}
	gd_free(handle);
	return 0;
}

/* the cache is made with sizeof(struct gd_handle): that is no allocation of one */
int gd_init_cache(void)
{
	gd_cache = kmem_cache_create("gd_handle", sizeof(struct gd_handle), 0, 0, NULL);
	return gd_cache ? 0 : -ENOMEM;
}
