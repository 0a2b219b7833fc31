// SPDX-License-Identifier: GPL-2.0-only
/* Not known valid: __alignof__ and __builtin_constant_p() do not evaluate their
 * operand, as sizeof does not, so tp may be NULL. Both sites must stay keep.
 */
#include "tokfs.h"

void *nue_alignof(struct tok_trans *tp, size_t n)
{
	n += __alignof__(tp->t_flags);
	return kmalloc(n, GFP_NOFS);
}

void *nue_constant_p(struct tok_trans *tp, size_t n)
{
	n += __builtin_constant_p(tp->t_flags);
	return kmalloc(n, GFP_NOFS);
}
