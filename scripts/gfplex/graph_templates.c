// SPDX-License-Identifier: GPL-2.0-only
/*
 * gfplex --graph: ## templates. A function-like macro that pastes a
 * parameter into a name (DEVICE_ATTR_RO(foo) -> foo_show) has a template of
 * that name: its pieces, literal text and parameters. Pass 1 collects them
 * and the calls in macro bodies that pass a parameter on to another macro;
 * after pass 1 the templates follow those calls (A(x) -> B(x) -> x##_show:
 * A has the template too). The records (graph.c) fill them in at each
 * invocation.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"

/* A call B(args) in the body of macro A whose arguments carry A's parameters. */
struct fwd {
	int a, b, afirst, acount;
};

struct farg {
	int cfirst, ccount;	/* ccount 0: not a plain name or paste */
};

struct comp *comps;
int ncomps;
static int capcomps;
struct templ *templs;
int ntempls;
static int captempls;
static struct fwd *fwds;
int nfwds;
static int capfwds;
static struct farg *fargs;
static int nfargs, capfargs;
char *lits;
static size_t nlits, caplits;

#define MAXTEMPL 64
#define MAXCOMPS 16

static int add_comp(int param, const char *s, int n)
{
	if (ncomps == capcomps) {
		capcomps = capcomps ? capcomps * 2 : 4096;
		comps = xrealloc(comps, capcomps * sizeof(*comps));
	}
	struct comp *c = &comps[ncomps];
	c->param = param;
	c->off = c->len = 0;
	if (param < 0) {
		if (nlits + n > caplits) {
			caplits = (nlits + n) * 2 + 4096;
			lits = xrealloc(lits, caplits);
		}
		memcpy(lits + nlits, s, n);
		c->off = nlits;
		c->len = n;
		nlits += n;
	}
	return ncomps++;
}

/*
 * The pieces of tokens [lo, hi] if they are one name or a paste
 * "a ## b ## c" of names and numbers: appended to comps[], returns the
 * count (0 if not such a chain). *has_param: a piece is a parameter.
 */
static int chain_comps(const struct mdef *m, int lo, int hi, int *has_param)
{
	int first = ncomps;
	*has_param = 0;
	if (hi < lo || (hi - lo) % 2 || (hi - lo) / 2 + 1 > MAXCOMPS)
		return 0;
	for (int q = lo; q <= hi; q += 2) {
		if (q > lo && !ispc2(q - 1, "##"))
			goto bad;
		if (toks[q].kind != T_IDENT && toks[q].kind != T_NUM)
			goto bad;
		int p = toks[q].kind == T_IDENT ? param_index(m, q) : -1;
		if (p >= 0)
			*has_param = 1;
		add_comp(p, tstr(q), tlen(q));
	}
	return ncomps - first;
bad:
	ncomps = first;
	return 0;
}

static void add_templ(int macro, int cfirst, int ccount, int is_call)
{
	if (ntempls == captempls) {
		captempls = captempls ? captempls * 2 : 1024;
		templs = xrealloc(templs, captempls * sizeof(*templs));
	}
	templs[ntempls] = (struct templ){ macro, cfirst, ccount, is_call, names[macro].thead };
	names[macro].thead = ntempls++;
	names[macro].ntempl++;
}

/* Pass 1, for collect_define: the templates of macro id, its calls that pass them on. */
void collect_templates(const struct mdef *m, int id)
{
	/* ## chains with a parameter in them */
	for (int q = m->lo; q <= m->hi; q++) {
		if (!ispc2(q + 1, "##") || q + 1 > m->hi)
			continue;
		int e = q;
		while (e + 2 <= m->hi && ispc2(e + 1, "##"))
			e += 2;
		int hp, first = ncomps;
		int n = chain_comps(m, q, e, &hp);
		if (n && hp)
			add_templ(id, first, n, e + 1 <= m->hi && ispc(e + 1, '('));
		else
			ncomps = first;
		q = e;
	}
	/* calls that pass a parameter on */
	for (int q = m->lo; q < m->hi; q++) {
		if (!isid(q) || !ispc(q + 1, '(') || kwflags(q) || param_index(m, q) >= 0)
			continue;
		int afirst = nfargs, any = 0, d = 0, alo = q + 2, e;
		for (e = q + 1; e <= m->hi; e++) {
			if (ispc(e, '(') || ispc(e, '[') || ispc(e, '{')) {
				d++;
				continue;
			}
			int closing = ispc(e, ')') || ispc(e, ']') || ispc(e, '}');
			if (closing)
				d--;
			if ((d == 1 && ispc(e, ',')) || (d == 0 && closing)) {
				int hp;
				if (nfargs == capfargs) {
					capfargs = capfargs ? capfargs * 2 : 4096;
					fargs = xrealloc(fargs, capfargs * sizeof(*fargs));
				}
				fargs[nfargs].cfirst = ncomps;
				fargs[nfargs].ccount = chain_comps(m, alo, e - 1, &hp);
				any |= hp;
				nfargs++;
				alo = e + 1;
			}
			if (d == 0)
				break;
		}
		if (!any) {
			nfargs = afirst;
			continue;
		}
		if (nfwds == capfwds) {
			capfwds = capfwds ? capfwds * 2 : 4096;
			fwds = xrealloc(fwds, capfwds * sizeof(*fwds));
		}
		fwds[nfwds++] = (struct fwd){ id, tok_id(q, 1), afirst, nfargs - afirst };
	}
}

/* Does the template t of macro a already exist? */
static int templ_exists(int a, int cfirst, int ccount, int is_call)
{
	for (int t = names[a].thead; t >= 0; t = templs[t].next) {
		if (templs[t].ccount != ccount || templs[t].is_call != is_call)
			continue;
		int same = 1;
		for (int i = 0; i < ccount && same; i++) {
			struct comp *x = &comps[templs[t].cfirst + i], *y = &comps[cfirst + i];
			same = x->param == y->param && x->len == y->len &&
				!memcmp(lits + x->off, lits + y->off, x->len);
		}
		if (same)
			return 1;
	}
	return 0;
}

/* After pass 1: templates through macro calls. */
void resolve_templates(void)
{
	/* A(x) -> B(x) -> x##_show: A has the template too */
	for (int round = 0, added = 1; added && round < 10; round++) {
		added = 0;
		for (int i = 0; i < nfwds; i++) {
			struct fwd f = fwds[i];
			for (int t = names[f.b].thead; t >= 0; t = templs[t].next) {
				if (names[f.a].ntempl >= MAXTEMPL)
					break;
				struct templ tp = templs[t];
				int first = ncomps, ok = 1, hp = 0;
				for (int c = 0; c < tp.ccount && ok; c++) {
					struct comp cc = comps[tp.cfirst + c];
					if (cc.param < 0) {
						int n = add_comp(-1, "", 0);
						comps[n] = cc;
						continue;
					}
					if (cc.param >= f.acount || !fargs[f.afirst + cc.param].ccount) {
						ok = 0;
						break;
					}
					struct farg fa = fargs[f.afirst + cc.param];
					for (int q = 0; q < fa.ccount; q++) {
						int n = add_comp(-1, "", 0);
						comps[n] = comps[fa.cfirst + q];
						hp |= comps[n].param >= 0;
					}
				}
				int cnt = ncomps - first;
				if (!ok || !hp || cnt > MAXCOMPS ||
				    templ_exists(f.a, first, cnt, tp.is_call)) {
					ncomps = first;
					continue;
				}
				add_templ(f.a, first, cnt, tp.is_call);
				added = 1;
			}
		}
	}
	free(fwds);
	free(fargs);
	fwds = NULL;
	fargs = NULL;
}
