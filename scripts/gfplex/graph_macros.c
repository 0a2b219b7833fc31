// SPDX-License-Identifier: GPL-2.0-only
/*
 * gfplex --graph: #defines. Their parsing (name, parameters, body), the
 * names their bodies call or name, from which graph_resolve finds the macros
 * whose expansion calls, and which arguments of a function-like macro are a
 * use of a name (not dropped, not a tracepoint's name). The ## templates are
 * in graph_templates.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"

/* ------------------------------------------------------------- #defines */

/* Parse the #define whose tokens are [k0, k1]; 0 if it is not one. */
int parse_define(int k0, int k1, struct mdef *m)
{
	m->name = k0 + 1;
	m->is_func = m->variadic = 0;
	m->named_va = -1;
	m->nparams = 0;
	if (m->name > k1 || !isid(m->name))
		return 0;
	m->lo = m->name + 1;
	m->hi = k1;
	if (m->lo <= k1 && ispc(m->lo, '(') && toks[m->lo].start == toks[m->name].end) {
		m->is_func = 1;
		int q;
		for (q = m->lo + 1; q <= k1 && !ispc(q, ')'); q++) {
			if (isid(q) && m->nparams < MAXPARAMS)
				m->params[m->nparams++] = q;
			else if (toks[q].kind == T_PUNCT && tlen(q) == 3 &&
				 !memcmp(tstr(q), "...", 3)) {
				m->variadic = 1;
				if (isid(q - 1) && m->nparams > 0 && m->params[m->nparams - 1] == q - 1)
					m->named_va = m->nparams - 1;
			}
		}
		m->lo = q + 1;
	}
	return 1;
}

/* The parameter index of identifier k in macro m; nparams for __VA_ARGS__. */
int param_index(const struct mdef *m, int k)
{
	if (!m || !m->is_func)
		return -1;
	for (int i = 0; i < m->nparams; i++) {
		int p = m->params[i];
		if (tlen(p) == tlen(k) && !memcmp(tstr(p), tstr(k), tlen(k)))
			return i;
	}
	if (m->variadic && TEQ(k, "__VA_ARGS__"))
		return m->nparams;
	return -1;
}

/* ------------------------------------------------------ calling macros */

/* Edges of macro bodies, for "does this macro's expansion call?". */
static int *medges;		/* triples: macro, name, 1 = called / 0 = named */
size_t nmedges;
static size_t capmedges;

static void add_medge(int macro, int id, int called)
{
	if (nmedges + 3 > capmedges) {
		capmedges = capmedges ? capmedges * 2 : 1 << 16;
		medges = xrealloc(medges, capmedges * sizeof(*medges));
	}
	medges[nmedges++] = macro;
	medges[nmedges++] = id;
	medges[nmedges++] = called;
}

/*
 * After pass 1: which macros expand to a call (names[].calls): one whose body
 * calls a function or a name that is no macro (assumed a function), or calls
 * or names a macro that does. A worklist over the edges sorted by name.
 */
void resolve_macro_calls(void)
{
	size_t ne = nmedges / 3;
	int *start = calloc(nnames + 1, sizeof(int)), *by = malloc((ne ? ne : 1) * sizeof(int));
	int *work = malloc((nnames ? nnames : 1) * sizeof(int)), nwork = 0;
	if (!start || !by || !work)
		die("out of memory");
	for (size_t e = 0; e < ne; e++)
		start[medges[3 * e + 1] + 1]++;
	for (int i = 0; i < nnames; i++)
		start[i + 1] += start[i];
	for (size_t e = 0; e < ne; e++)
		by[start[medges[3 * e + 1]]++] = e;
	for (int i = nnames; i > 0; i--)
		start[i] = start[i - 1];
	start[0] = 0;
	for (size_t e = 0; e < ne; e++) {
		int m = medges[3 * e], t = medges[3 * e + 1], how = medges[3 * e + 2];
		int bit = 1 << (how >> 1);
		unsigned tf = names[t].flags[0] | names[t].flags[1];
		if ((how & 1) && !(names[m].calls & bit) &&
		    ((tf & N_ANYFN) || !(tf & N_MACRO))) {
			if (!names[m].calls)
				work[nwork++] = m;
			names[m].calls |= bit;
		}
	}
	/* a name is pushed once, when it first calls; its users get their own bit */
	while (nwork > 0) {
		int t = work[--nwork];
		for (int i = start[t]; i < start[t + 1]; i++) {
			int m = medges[3 * by[i]], bit = 1 << (medges[3 * by[i] + 2] >> 1);
			if (!(names[m].calls & bit)) {
				if (!names[m].calls)
					work[nwork++] = m;
				names[m].calls |= bit;
			}
		}
	}
	free(start);
	free(by);
	free(work);
	free(medges);
	medges = NULL;
}

/* ------------------------------------------------------- argument use */

/*
 * Which arguments of a function-like macro are no use of a function of that
 * name: the tracepoint names of the tracing macros below, which are only
 * pasted into trace_NAME and the like (DEFINE_EVENT(class, xfs_trans_alloc,
 * ...) is no use of xfs_trans_alloc), and the arguments of macros that only
 * pass them there (DEFINE_TRANS_EVENT(name) -> DEFINE_EVENT(x, name, ...)).
 * Every other use of a parameter, pasted and stringified ones too (BTF_ID
 * pastes a function's name, alias("f") names one), makes its argument a use.
 */
static const struct {
	const char *s;
	uint64_t args;
} tracing_names[] = {
	{ "TRACE_EVENT", 1 }, { "TRACE_EVENT_CONDITION", 1 }, { "TRACE_EVENT_FN", 1 },
	{ "TRACE_EVENT_FN_COND", 1 }, { "TRACE_EVENT_NOP", 1 }, { "TRACE_EVENT_FLAGS", 1 },
	{ "TRACE_EVENT_PERF_PERM", 1 }, { "DECLARE_EVENT_CLASS", 1 },
	{ "DECLARE_EVENT_CLASS_NOP", 1 }, { "DEFINE_EVENT", 3 }, { "DEFINE_EVENT_FN", 3 },
	{ "DEFINE_EVENT_PRINT", 3 }, { "DEFINE_EVENT_CONDITION", 3 }, { "DEFINE_EVENT_NOP", 3 },
	{ "DEFINE_EVENT_WRITABLE", 3 }, { "DECLARE_TRACE", 1 }, { "DECLARE_TRACE_CONDITION", 1 },
	{ "DECLARE_TRACE_WRITABLE", 1 }, { "DEFINE_TRACE", 1 }, { "DEFINE_TRACE_FN", 1 },
	{ "EXPORT_TRACEPOINT_SYMBOL", 1 }, { "EXPORT_TRACEPOINT_SYMBOL_GPL", 1 },
	{ NULL, 0 }
};
struct pfwd {
	int a, b;		/* macro a passes its parameter ai as argument bj of b */
	short ai, bj;
};
static struct pfwd *pfwds;
static int npfwds, cappfwds;

static inline int va_param(const struct mdef *m, int pi)
{
	return pi >= m->nparams || pi == m->named_va;
}

static inline uint64_t param_bits(const struct mdef *m, int pi)
{
	if (va_param(m, pi))	/* __VA_ARGS__, args...: every argument from there on */
		return pi >= 63 ? 1ull << 63 : ~0ull << pi;
	return 1ull << (pi < 63 ? pi : 63);
}

static void collect_param_uses(const struct mdef *m, int id)
{
	for (int q = m->lo; q <= m->hi; q++) {
		if (!isid(q))
			continue;
		int pi = param_index(m, q);
		if (pi < 0)
			continue;
		int whole = q > m->lo && q < m->hi && (ispc(q - 1, '(') || ispc(q - 1, ',')) &&
			(ispc(q + 1, ',') || ispc(q + 1, ')'));
		int callee = -1, argi = 0;
		if (whole) {
			/* the invocation it is an argument of */
			int d = 0, o;
			for (o = q - 1; o >= m->lo; o--) {
				if (ispc(o, ')') || ispc(o, ']') || ispc(o, '}'))
					d++;
				else if (ispc(o, '(') || ispc(o, '[') || ispc(o, '{')) {
					if (d-- == 0)
						break;
				} else if (d == 0 && ispc(o, ','))
					argi++;
			}
			if (o > m->lo && ispc(o, '(') && isid(o - 1) && !kwflags(o - 1) &&
			    param_index(m, o - 1) < 0)
				callee = o - 1;
		}
		if (callee < 0) {
			names[id].plain |= param_bits(m, pi);
			continue;
		}
		if (npfwds == cappfwds) {
			cappfwds = cappfwds ? cappfwds * 2 : 4096;
			pfwds = xrealloc(pfwds, cappfwds * sizeof(*pfwds));
		}
		int b = tok_id(callee, 1);
		pfwds[npfwds++] = (struct pfwd){ id, b, pi < 62 ? pi : 62, argi < 62 ? argi : 62 };
		if (va_param(m, pi))	/* __VA_ARGS__, args... */
			pfwds[npfwds - 1].ai = -1 - (pi < 62 ? pi : 62);
	}
}

/* Can argument j of an invocation of name id end up as a name? */
int arg_plain(int id, int j)
{
	const struct name *nm = &names[id];
	int bit = j < 63 ? j : 63;
	if ((nm->tpnames >> bit) & 1)
		return 0;
	if (!nm->fmdefs || ((nm->flags[0] | nm->flags[1]) & (N_ANYFN | N_DECL)))
		return 1;	/* a function, or a macro for a function elsewhere */
	return (nm->plain >> bit) & 1;
}

/* After pass 1: a parameter passed to a macro that uses it is used. */
void resolve_param_uses(void)
{
	for (int i = 0; tracing_names[i].s; i++) {
		const char *s = tracing_names[i].s;
		int id = name_id(s, strlen(s), hash_str(s, strlen(s)), 1);
		names[id].tpnames = tracing_names[i].args;
	}
	for (int round = 0, changed = 1; changed && round < 64; round++) {
		changed = 0;
		for (int i = 0; i < npfwds; i++) {
			struct pfwd f = pfwds[i];
			if (!arg_plain(f.b, f.bj))
				continue;
			uint64_t bits = f.ai >= 0 ? 1ull << f.ai :
				~0ull << (-1 - f.ai < 63 ? -1 - f.ai : 63);
			if ((names[f.a].plain & bits) != bits) {
				names[f.a].plain |= bits;
				changed = 1;
			}
		}
	}
	free(pfwds);
	pfwds = NULL;
}

/* --------------------------------------------------------------- pass 1 */

/* Pass 1: what graph mode needs of one #define. */
void collect_define(const struct mdef *m)
{
	if (!m->is_func) {
		/* a body without a name in it (a number, an expression of numbers,
		 * keywords) cannot call: most object-like macros, not kept */
		int q = m->lo;
		while (q <= m->hi && !(isid(q) && !kwflags(q)))
			q++;
		if (q > m->hi)
			return;
	}
	int id = tok_id(m->name, 1);

	define_name(id, m->is_func ? KD_FM : KD_OM, 0);
	/* a body that saves a memalloc scope may wrap one around an argument: every
	 * #define of the name is printed whole in pass 2 (DEFINE) */
	for (int q = m->lo; q <= m->hi; q++)
		if (isid(q) && tlen(q) > 14 && !memcmp(tstr(q), "memalloc_", 9) &&
		    !memcmp(tstr(q) + tlen(q) - 5, "_save", 5))
			names[id].flags[0] |= N_SAVEBODY;
	int skip_to = -1;
	for (int q = m->lo; q <= m->hi; q++) {
		if (!isid(q) || q <= skip_to || param_index(m, q) >= 0)
			continue;
		int kw = kwflags(q);
		if (kw & K_ATTR) {
			/* nothing inside __attribute__((...)) or asm(...) calls */
			int o = q + 1;
			while (o <= m->hi && isid(o) && kwflags(o))
				o++;
			if (o <= m->hi && ispc(o, '(')) {
				int d = 0;
				for (skip_to = o; skip_to <= m->hi; skip_to++)
					if (ispc(skip_to, '('))
						d++;
					else if (ispc(skip_to, ')') && --d == 0)
						break;
			}
			continue;
		}
		if (kw || (q > m->lo && (ispc(q - 1, '.') || ispc2(q - 1, "->"))))
			continue;
		int called = q < m->hi && ispc(q + 1, '(');
		add_medge(id, tok_id(q, 1), called | def_class_bit() << 1);
	}
	if (!m->is_func)
		return;
	names[id].fmdefs++;
	collect_param_uses(m, id);
	collect_templates(m, id);
}
