// SPDX-License-Identifier: GPL-2.0-only
/* cocci/facts/own_ends.cocci: which ends close a scope their own function opened.
 * own_ends.expected lists, per end, "function callee own" (the names file gives
 * my_trans_alloc as a start and my_trans_stop as its stop). */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct my_trans;
int my_trans_alloc(int n, struct my_trans **tpp);
void my_trans_stop(struct my_trans *tp);
void work(void);
void mangle(unsigned int *c);
void work_with(unsigned int c);

/* own: the cookie comes from this function's save on every path */
void oe_own(void)
{
	unsigned int c = memalloc_nofs_save();

	work();
	memalloc_nofs_restore(c);
}

/* not own: the caller's cookie */
void oe_param(unsigned int c)
{
	memalloc_nofs_restore(c);
}

/* not own: a path reaches the restore with no save */
void oe_cond(int a)
{
	unsigned int c = 0;

	if (a)
		c = memalloc_nofs_save();
	memalloc_nofs_restore(c);
}

/* not own: a noio cookie given to the nofs restore */
void oe_kind(void)
{
	unsigned int c = memalloc_noio_save();

	memalloc_nofs_restore(c);
}

/* not own: the cookie is overwritten, or changed, or handed out, after the save */
void oe_reset(void)
{
	unsigned int c = memalloc_nofs_save();

	c = 0;
	memalloc_nofs_restore(c);
}

void oe_or(void)
{
	unsigned int c = memalloc_nofs_save();

	c |= 4;
	memalloc_nofs_restore(c);
}

void oe_addr(void)
{
	unsigned int c = memalloc_nofs_save();

	mangle(&c);
	memalloc_nofs_restore(c);
}

/* own, both: two scopes, each restored with its own cookie */
void oe_two(void)
{
	unsigned int a, b;

	a = memalloc_nofs_save();
	b = memalloc_noio_save();
	memalloc_nofs_restore(a);
	memalloc_noio_restore(b);
}

/* own: a start that leaves its cookie in tp, through &tp */
void oe_tx(void)
{
	struct my_trans *tp;
	int err = my_trans_alloc(1, &tp);

	if (err)
		return;
	my_trans_stop(tp);
}

/* not own: the transaction comes from the caller */
void oe_tx_other(struct my_trans *tp)
{
	my_trans_stop(tp);
}

/* not own: a parameter shadowed by an inner cookie of the same name */
void oe_shadow(unsigned int d)
{
	{
		unsigned int d = memalloc_nofs_save();

		work();
		memalloc_nofs_restore(d);
	}
	memalloc_nofs_restore(d);
}

/* not own: a file-scope cookie that a callee may overwrite */
unsigned int oe_global_cookie;

void oe_global(void)
{
	oe_global_cookie = memalloc_nofs_save();
	work();
	memalloc_nofs_restore(oe_global_cookie);
}

/* not own: the cookie changed through a pointer to it */
void oe_pointer(int a)
{
	unsigned int d = memalloc_nofs_save();
	unsigned int *pd = &d;

	if (a)
		*pd = 0;
	memalloc_nofs_restore(d);
}

/* not own: a cookie too narrow for the flags (6.1 keeps the bit itself in it) */
void oe_narrow(void)
{
	unsigned char d = memalloc_nofs_save();

	memalloc_nofs_restore(d);
}

/* not own: a macro handed the cookie may assign it (the names file says oe_clobber and
 * oe_zero_then are macros) */
#define oe_clobber(v)	((v) = 0)
#define oe_zero_then(v, x)	({ (v) = 0; x; })

void oe_macro_write(void)
{
	unsigned int d = memalloc_nofs_save();

	oe_clobber(d);
	memalloc_nofs_restore(d);
}

/* not own: the restore is in the argument of a macro, which may write the cookie first */
void oe_in_macro(void)
{
	unsigned int d = memalloc_nofs_save();

	oe_zero_then(d, memalloc_nofs_restore(d));
}

/* not own: the cookie is written beside the restore, in one expression */
void oe_comma(void)
{
	unsigned int d = memalloc_nofs_save();

	d = 0, memalloc_nofs_restore(d);
}

/* not own: the cookie is changed by a prefix increment */
void oe_prefix(void)
{
	unsigned int d = memalloc_nofs_save();

	++d;
	memalloc_nofs_restore(d);
}

/* own: a function handed the cookie by value cannot change it */
void oe_by_value(void)
{
	unsigned int d = memalloc_nofs_save();

	work_with(d);
	memalloc_nofs_restore(d);
}
