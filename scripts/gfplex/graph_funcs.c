// SPDX-License-Identifier: GPL-2.0-only
/*
 * gfplex --graph: function definitions. The brace depth of each token of the
 * current file (per #if branch), the header that opens each body at depth 0
 * (attributes, parenthesized declarators, names made by a macro), the FN
 * facts of each definition and the function each token is in. Site mode
 * uses the same walk (graph_functions), so that a site and the call graph
 * name the same function, and so does --bodies (bodies.c), whose body ranges
 * the driver blanks: whether the walk balanced is in walk_trouble.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"

/* ------------------------------------------------------- token helpers */

int *func_of;		/* code token -> name token of its function, -1 */
unsigned char *tflag;
int *kwf;		/* keyword flags of each identifier, -1 = not computed */
static int captokarrays;

/* The context of the records (graph.c): code, or the body of one #define. */
int cx_macro, cx_lo, cx_hi;

/* The "(" or "[" matching the ")" or "]" at k, in the current context. */
int match_back(int k)
{
	char close = buf_g[toks[k].start], open = close == ')' ? '(' : '[';
	int d = 0;
	for (int q = k; q >= 0; q = cprev(q)) {
		if (ispc(q, close))
			d++;
		else if (ispc(q, open) && --d == 0)
			return q;
		else if (!cx_macro && (ispc(q, ';') || ispc(q, '{') || ispc(q, '}')) && d)
			return -1;
	}
	return -1;
}

/* ------------------------------------------------------ function headers */

static int starts_dunder(int k)
{
	return tlen(k) > 2 && tstr(k)[0] == '_' && tstr(k)[1] == '_';
}

/* Annotations written between ")" and "{" of a definition. */
static int trailing_attr(int k)
{
	static const char *const list[] = { "__acquires", "__releases", "__must_hold",
		"__cond_acquires", "__cond_releases", "__acquire", "__release",
		"__requires", "__excludes", "__must_not_hold", NULL };
	for (int i = 0; list[i]; i++)
		if (tlen(k) == (int)strlen(list[i]) && !memcmp(tstr(k), list[i], tlen(k)))
			return 1;
	return 0;
}

/* The ")" at j closes an attribute written before a function's name. */
static int leading_attr_group(int j)
{
	static const char *const list[] = { "__printf", "__scanf", "__section", "__aligned",
		"__alias", "__diag_ignore_all", "__counted_by", NULL };
	int m = match_back(j);
	int y = m >= 0 ? prevc(m) : -1;
	if (!isid(y))
		return 0;
	if (kwflags(y) & K_ATTR)
		return 1;
	for (int i = 0; list[i]; i++)
		if (tlen(y) == (int)strlen(list[i]) && !memcmp(tstr(y), list[i], tlen(y)))
			return 1;
	return 0;
}

static int hdr_open;		/* the "(" of the header find_header found, -1 */

/* The ")" matching the "(" at k in code, -1. */
static int match_fwd_code(int k)
{
	int d = 0;
	for (int q = k; q >= 0; q = nextc(q)) {
		if (ispc(q, '('))
			d++;
		else if (ispc(q, ')') && --d == 0)
			return q;
		else if (ispc(q, ';') || ispc(q, '{') || ispc(q, '}'))
			return -1;
	}
	return -1;
}

/* The name token of the definition whose body opens at "{" k, or -1. */
static int find_header(int k)
{
	hdr_open = -1;
	int j = prevc(k), bare = 0;

	for (int guard = 0; guard < 32 && j >= 0; guard++) {
		if (isid(j)) {
			/* an annotation without arguments: f(void) __init { */
			if (kwflags(j) || ++bare > 8)
				return -1;
			j = prevc(j);
			continue;
		}
		if (!ispc(j, ')'))
			return -1;
		int m = match_back(j);
		if (m < 0)
			return -1;
		int x = prevc(m);
		if (isid(x)) {
			int f = kwflags(x);
			if (f & K_ATTR) {
				j = prevc(x);
				continue;
			}
			if (f)
				return -1;
			int px = prevc(x);
			if (trailing_attr(x) ||
			    (starts_dunder(x) && ispc(px, ')') && !leading_attr_group(px))) {
				j = px;
				continue;
			}
			hdr_open = m;
			return x;
		}
		if (ispc(x, ')')) {
			/* a parenthesized declarator: type (name(args)) */
			int in = nextc(m);
			if (isid(in) && !kwflags(in) && ispc(nextc(in), '(') &&
			    match_fwd_code(nextc(in)) == prevc(j)) {
				hdr_open = nextc(in);
				return in;
			}
			/* a function returning a function pointer: (*name(args))(args) */
			int m2 = match_back(x);
			if (m2 < 0)
				return -1;
			for (int q = nextc(m2); q >= 0 && q < x; q = nextc(q))
				if (isid(q) && !kwflags(q) && ispc(nextc(q), '('))
					return q;
			int y = prevc(m2);
			return isid(y) && !kwflags(y) ? y : -1;
		}
		return -1;
	}
	return -1;
}

struct fn *fns;
int nfns;
static int capfns;

static void add_fn(int name)
{
	if (nfns == capfns) {
		capfns = capfns ? capfns * 2 : 1024;
		fns = xrealloc(fns, capfns * sizeof(*fns));
	}
	struct fn *f = &fns[nfns++];
	f->name = name;
	f->open = f->close = -1;
	f->is_static = f->is_inline = 0;
	f->start_line = toks[name].line;
	/* a parameter list whose first entry is a lone name is a macro's arguments */
	int q0 = hdr_open >= 0 ? nextc(hdr_open) : -1;
	f->macro_made = isid(q0) && !kwflags(q0) && (ispc(nextc(q0), ',') || ispc(nextc(q0), ')'));
	/* the declaration specifiers: back to the previous ; } { */
	for (int q = prevc(name); q >= 0; q = prevc(q)) {
		if (ispc(q, ';') || ispc(q, '}') || ispc(q, '{'))
			break;
		f->start_line = toks[q].line;
		if (!isid(q))
			continue;
		if (TEQ(q, "static"))
			f->is_static = 1;
		else if (TEQ(q, "inline") || TEQ(q, "__inline") || TEQ(q, "__inline__") ||
			 TEQ(q, "__always_inline"))
			f->is_inline = 1;
	}
}

#define MAXFRAME 256
struct frame {
	int at_if;		/* brace depth at the #if */
	int result;		/* depth after the first branch with braces, -1 */
	int seen, seen_any;	/* this branch / any branch had a brace */
};

int debug;		/* GFPLEX_DEBUG: brace troubles on stderr */
const char *dbg_path;
const char *walk_trouble;
int walk_trouble_line;

static void trouble(const char *what, int line)
{
	if (!walk_trouble) {
		walk_trouble = what;
		walk_trouble_line = line;
	}
}

/* Brace depth, function bodies, definition headers of the current file. */
void find_functions_graph(void)
{
	struct frame fr[MAXFRAME];
	int nfr = 0, depth = 0, cur = -1, pend = 0;

	if (ntoks > captokarrays) {
		captokarrays = ntoks + ntoks / 2;
		func_of = xrealloc(func_of, captokarrays * sizeof(*func_of));
		tflag = xrealloc(tflag, captokarrays);
		kwf = xrealloc(kwf, captokarrays * sizeof(*kwf));
	}
	memset(tflag, 0, ntoks);
	memset(kwf, 0xff, ntoks * sizeof(*kwf));
	nfns = 0;
	walk_trouble = NULL;
	walk_trouble_line = 0;
	for (int k = 0; k < ntoks; k++) {
		func_of[k] = -1;
		if (toks[k].dir) {
			if (k > 0 && toks[k - 1].dir == toks[k].dir)
				continue;
			const char *d = dirs[toks[k].dir].name;
			struct frame *f = nfr > 0 && nfr <= MAXFRAME ? &fr[nfr - 1] : NULL;
			if (!strcmp(d, "if") || !strcmp(d, "ifdef") || !strcmp(d, "ifndef")) {
				if (nfr < MAXFRAME)
					fr[nfr] = (struct frame){ depth, -1, 0, 0 };
				else
					trouble("#if nested too deep", toks[k].line);
				nfr++;
			} else if (!strcmp(d, "else") || !strcmp(d, "elif") ||
				   !strcmp(d, "elifdef") || !strcmp(d, "elifndef")) {
				if (nfr == 0)
					trouble("#else or #elif without #if", toks[k].line);
				if (f) {
					if (f->seen && f->result < 0)
						f->result = depth;
					depth = f->at_if;
					f->seen = 0;
				}
			} else if (!strcmp(d, "endif") && nfr > 0) {
				if (f) {
					if (f->seen && f->result < 0)
						f->result = depth;
					if (f->result >= 0)
						depth = f->result;
					if (nfr >= 2 && f->seen_any)
						fr[nfr - 2].seen = fr[nfr - 2].seen_any = 1;
				}
				nfr--;
			} else if (!strcmp(d, "endif")) {
				trouble("#endif without #if", toks[k].line);
			}
			continue;
		}
		if (toks[k].if0 || toks[k].kind != T_PUNCT)
			goto plain;
		if (ispc(k, '{') || ispc(k, '}')) {
			if (nfr > 0 && nfr <= MAXFRAME)
				fr[nfr - 1].seen = fr[nfr - 1].seen_any = 1;
		}
		if (ispc(k, '{')) {
			if (depth == 0) {
				int nm = find_header(k), pk = prevc(k);
				if (nm >= 0 && ispc(nextc(k), '.') && isid(nextc(nextc(k))))
					nm = -1;	/* define_machine(x) { .name = ... } */
				if (nm < 0 && ispc(pk, '}') && func_of[pk] >= 0 &&
				    toks[pk + 1].dir && nfns > 0 && fns[nfns - 1].name == func_of[pk]) {
					/* f(x)\n#ifdef A\n{ ... }\n#else\n{ ... }\n#endif */
					nm = func_of[pk];
					add_fn(nm);
					fns[nfns - 1] = fns[nfns - 2];
					fns[nfns - 1].open = k;
					fns[nfns - 1].close = -1;
					cur = nm;
					depth++;
					goto plain;
				}
				if (nm >= 0) {
					add_fn(nm);
					fns[nfns - 1].open = k;
					tflag[nm] |= F_DEFNAME;
					cur = nm;
				} else {
					cur = -1;
				}
				if (debug && nm < 0 && toks[k].col == 0 && !ispc(prevc(k), '=') &&
				    !ispc(prevc(k), ']') && !(isid(prevc(k)) && isid(prevc(prevc(k))) &&
				    (kwflags(prevc(prevc(k))) & K_TYPE)) && !(isid(prevc(k)) &&
				    (kwflags(prevc(k)) & K_TYPE)))
					fprintf(stderr, "gfplex: %s:%d: no header for this body\n",
						dbg_path, toks[k].line);
			} else if (debug && toks[k].col == 0) {
				fprintf(stderr, "gfplex: %s:%d: '{' at column 0, depth %d\n",
					dbg_path, toks[k].line, depth);
			}
			depth++;
		} else if (ispc(k, '}')) {
			if (debug && (depth == 0 || (toks[k].col == 0 && depth != 1)))
				fprintf(stderr, "gfplex: %s:%d: '}' at column %d, depth %d\n",
					dbg_path, toks[k].line, toks[k].col, depth);
			if (depth > 0)
				depth--;
			else
				trouble("'}' at depth 0", toks[k].line);
			func_of[k] = cur;
			tflag[k] |= F_INBRACE;
			if (depth == 0) {
				for (; pend < nfns; pend++)
					fns[pend].close = k;
				cur = -1;
			}
			continue;
		}
plain:
		if (depth > 0) {
			func_of[k] = cur;
			tflag[k] |= F_INBRACE;
		}
	}
	if (debug && depth)
		fprintf(stderr, "gfplex: %s: depth %d at the end\n", dbg_path, depth);
	if (depth)
		trouble("'{' not closed at the end", 0);
	if (nfr)
		trouble("#if not closed at the end", 0);
	for (; pend < nfns; pend++)
		fns[pend].close = ntoks - 1;
}

/*
 * The function enclosing each token of the current file, for site mode: the same
 * walk as graph mode's (braces per #if branch, definition headers with attributes and
 * macro-made names), so that a site and the call graph name the same function.
 */
const int *graph_functions(const char *buf)
{
	init_keywords();
	buf_g = buf;
	find_functions_graph();
	return func_of;
}

