/* SPDX-License-Identifier: GPL-2.0-only */
/* The holder of neg_field_alloc.c's handle: defined in a header, so spatch (which reads
 * the .c file without its includes) cannot tell the type of holder->tp. */
#ifndef _NEG_FIELD_ALLOC_H
#define _NEG_FIELD_ALLOC_H
struct nfa_trans;

struct nfa_holder {
	struct nfa_trans *tp;
};
#endif
