// SPDX-License-Identifier: GPL-2.0-only
/* Functions given a handle that may be a made-up one. Only a dereference shows it is
 * real: a made-up handle is a number below GD_MAX_REF, which no dereference survives. */
#include "guardfs.h"

/* dereferenced before the allocation: a real, live handle, convert */
void *gd_user_deref(struct gd_handle *handle, size_t n)
{
	handle->h_flags |= 1;
	return kmalloc(n, GFP_NOFS);
}

/* twin: tested valid, never dereferenced; the test alone is no proof (keep) */
void *gd_user_valid_only(struct gd_handle *handle, size_t n)
{
	if (!gd_handle_valid(handle))
		return NULL;
	return kmalloc(n, GFP_NOFS);
}

/* twin: dereferenced on the valid branch only; the made-up handle reaches the allocation */
void *gd_user_valid_branch(struct gd_handle *handle, size_t n)
{
	if (gd_handle_valid(handle))
		handle->h_flags |= 1;
	return kmalloc(n, GFP_NOFS);
}

/* twin: a handle from a start that may have made it up, never dereferenced */
void *gd_user_nojournal(size_t n)
{
	struct gd_handle *handle = gd_start(1);
	void *p = kmalloc(n, GFP_NOFS);

	gd_stop(handle);
	return p;
}
