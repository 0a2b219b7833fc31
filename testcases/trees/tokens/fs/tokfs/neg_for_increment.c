// SPDX-License-Identifier: GPL-2.0-only
/* Not known valid: the handle is dereferenced only in a for loop's increment
 * expression, which runs after the body and not at all when n is 0. spatch's control
 * flow graph has the whole for header as one node, so the dereference counts as run
 * before the allocation. nfi_walk() must stay keep.
 */
#include "tokfs.h"

void *nfi_walk(struct tok_trans *tp, unsigned int *items, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++, tp->t_flags++)
		items[i] = 0;
	return kmalloc(n, GFP_NOFS);
}
