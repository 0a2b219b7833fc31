// SPDX-License-Identifier: GPL-2.0-only
/* Negative twins from a soundness review: each of these looked provable to an earlier
 * version of the analysis and is not; every site here must stay keep but one (see
 * testcases/driver/test_precision.py). */
#include "prcfs.h"

/* F1: the saved task's NOFS bit put back with |=: sets nothing when it was clear */
void *rv_pf_inherit(unsigned int saved, size_t n)
{
	void *p;

	current->flags |= saved & PF_MEMALLOC_NOFS;
	p = kmalloc(n, GFP_NOFS);
	current->flags &= ~PF_MEMALLOC_NOFS;
	return p;
}

/* F2: a flags save whose argument is conditional */
void *rv_flags_cond(int nofs, size_t n)
{
	unsigned int f = memalloc_flags_save(nofs ? PF_MEMALLOC_NOFS : 0);
	void *p = kmalloc(n, GFP_NOFS);

	memalloc_flags_restore(f);
	return p;
}

/* F3: noio or nofs, chosen at run time; the site needs noio */
void *rv_flags_either(int noio, size_t n)
{
	unsigned int f = memalloc_flags_save(noio ? PF_MEMALLOC_NOIO : PF_MEMALLOC_NOFS);
	void *p = kmalloc(n, GFP_NOIO);

	memalloc_flags_restore(f);
	return p;
}

/* F4: caller-scope through a conditional current->flags write */
static void *rv_pf_helper(size_t n)
{
	return kmalloc(n, GFP_NOFS);
}

void *rv_pf_user(struct task_struct *parent, size_t n)
{
	void *p;

	current->flags |= parent->flags & PF_MEMALLOC_NOFS;
	p = rv_pf_helper(n);
	current->flags &= ~PF_MEMALLOC_NOFS;
	return p;
}

/* F5: PF_MEMALLOC_NOIO only named in a comment of a nofs save */
void *rv_flags_comment(size_t n)
{
	unsigned int f = memalloc_flags_save(PF_MEMALLOC_NOFS
					     /* not PF_MEMALLOC_NOIO: we may do I/O */);
	void *p = kmalloc(n, GFP_NOIO);

	memalloc_flags_restore(f);
	return p;
}

/* F6: a masked-out NOFS */
void *rv_flags_mask(unsigned int fl, size_t n)
{
	unsigned int f = memalloc_flags_save(fl & ~PF_MEMALLOC_NOFS);
	void *p = kmalloc(n, GFP_NOFS);

	memalloc_flags_restore(f);
	return p;
}
