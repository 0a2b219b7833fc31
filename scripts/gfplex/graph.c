// SPDX-License-Identifier: GPL-2.0-only
/*
 * gfplex --graph: a lexical call graph of a whole tree.
 *
 * It feeds an interprocedural must-analysis ("is every caller of F inside a
 * memalloc_nofs scope?"), so it is built to over-approximate: it may print
 * an edge that does not exist, it should not miss one that does.
 *
 * Two passes over the files. Pass 1 collects the names of all function
 * definitions and declarations, what is needed of the macros (function-like
 * or object-like, which expansions call, which arguments they use, the ##
 * templates) and the #include lines; pass 2 prints. This file holds the
 * passes and the records; the rest of graph mode is in graph_names.c (the
 * name and keyword tables), graph_visible.c (who sees a definition),
 * graph_funcs.c (function headers and bodies, also used by site mode),
 * graph_macros.c (#defines: calling macros, argument use) and
 * graph_templates.c (## templates), with graph.h. Records, TAB-separated,
 * one per line, in file order then token order:
 *
 *   FN file name static inline start_line end_line
 *	a function definition in code. static and inline are 0/1 (inline is
 *	1 for inline, __inline, __inline__, __always_inline). start_line is
 *	the line of the definition's first token (the return type, storage
 *	class or attributes), end_line that of its closing brace. Attributes
 *	between ")" and "{" (__acquires(x), __releases(x), __must_hold(x),
 *	__attribute__((...)), __init) are skipped. A definition written with a
 *	macro, SYSCALL_DEFINE3(open, ...) { } (its first "parameter" is a lone
 *	name), is named after the macro: nothing calls it by that name, so it
 *	is a root, and it is not a function name for REF. A header written
 *	twice in #if branches gives two FN records for one body, as does a
 *	body written twice after one header. Printed before its body's records.
 *   MACRO file name line
 *	a #define whose body produces at least one CALL, ICALL or REF record;
 *	printed just before them. Those records have the macro as caller.
 *   CALL file caller callee line col
 *	an identifier followed by "(" in a function body (caller = the
 *	function), in a #define body (caller = the macro) or outside functions
 *	(caller "-": macro invocations such as DEFINE_MUTEX(m), initializers,
 *	and a body whose header was not recognised, e.g. K&R definitions).
 *	callee may be a macro. Not printed: C keywords and operators (sizeof,
 *	typeof, _Generic, __builtin_*, asm, __attribute__ and what is inside
 *	it), the name in a definition header, prototypes outside functions
 *	(the name follows a type name, "*" or ")", or "," outside parentheses:
 *	int f(int), g(void);), EXPORT_SYMBOL* (see EXPORT), and in a macro
 *	body the macro's own parameters (the argument is seen where the macro
 *	is used). A prototype inside a body is a CALL. line is 1-based, col
 *	the 0-based byte column.
 *   ICALL file caller member line col
 *	a call through a pointer: ops->alloc( and s.alloc( (member = alloc),
 *	(*fp)( and (ops->fn)( (the last identifier inside the parentheses),
 *	f(a)( (the same, or f), tbl[i]( (tbl); "-" when there is no name.
 *	Casts "(u32)(x)", "(void *)(p)" and declarators "int (*fp)(void)" are
 *	skipped, and so are calls outside braces at file scope. The position
 *	is the member's, or for "...)(" and "...](" the second "(".
 *   REF file holder name line col member
 *	a use of a name other than a direct call, where the name is one of
 *	  - a function defined somewhere (FN), seen from this file (below);
 *	  - an object-like macro whose expansion calls (current ->
 *	    get_current()): using it is a call;
 *	  - inside a macro body, or inside the arguments of a function-like
 *	    macro in code, a function-like macro whose expansion calls
 *	    (X-macros: LIST(F) calls F).
 *	Not printed for: a member (after "." or "->"), the definition header,
 *	an EXPORT argument, a declaration (after a type name or keyword, or
 *	after "*" that follows one, or "(*name)" after a type: int (*name)()),
 *	a label (after goto, or "name:" at statement start), a macro's own
 *	parameters, the body of "#define f f", and a whole argument of a macro invocation that is no
 *	use: an argument that every definition of the macro drops, or that
 *	names a tracepoint (DEFINE_EVENT(class, xfs_trans_alloc, ...) and the
 *	tracing macros listed in tracing_names[], also through macros that
 *	pass the argument there). Pasted and stringified arguments are uses
 *	(BTF_ID(func, f) pastes f, alias("f") names it). "&name(" prints a REF
 *	as well as the CALL; "(name)(x)", "sizeof(name)" and a local variable
 *	that shadows a function are REFs too (extra, never missing).
 *	member is the field a designated initializer stores the name in
 *	(".finish_item = f," or "= &f}" in code, not in a macro body: an ops
 *	table the analysis can resolve by field), "()" for "&name(" (the
 *	address of the call's result, most likely), "-" for any other use.
 *	## templates: when a function-like macro pastes an argument into a
 *	name (DEVICE_ATTR_RO(foo) -> foo_show, also through other macros it
 *	passes the argument to), an invocation with a plain identifier
 *	argument prints a REF of the pasted name (a CALL when the pasted name
 *	is followed by "(" in the macro) if that name is a function or a
 *	calling macro, at the argument's position.
 *   EXPORT file name line
 *	EXPORT_SYMBOL*(name ...) with a plain identifier: any macro whose name
 *	starts with EXPORT_SYMBOL. Replaces the CALL and the REF.
 *   DEFINE file name line fn params body
 *	every #define (in live code) of a name that some #define of the tree
 *	gives a body naming memalloc_*_save: the candidates for a macro that
 *	wraps a scope around an argument (gfpscope's analyse/wrappers.py reads
 *	the shape). fn is 1 if the name is also a function, defined or
 *	declared, 0 if not; params the parameters joined by "," ("..." for a
 *	variadic one), "-" for an object-like macro; body the tokens, one
 *	space apart, with a string or character literal as a lone '"'.
 *
 * Who sees a definition (for REF) is described at struct name in graph.h:
 * the kernel does not see tools/, scripts/ and arch/X/boot/; a static
 * function or a macro of a .c file is seen in that file (and its #include
 * "x.c" group); a header outside include/ directories is seen by the files
 * that #include it. Headers and macro bodies see everything.
 *
 * Conditional code: #if 0 regions (and the #else of #if 1) are skipped
 * (dead code is not compiled). Every other branch is read. Braces are
 * counted per branch: at #else/#elif the depth goes back to its value at
 * the #if, and after #endif it is the depth after the first branch that
 * had braces, so "#ifdef A\n f(a) {\n#else\n f(a, b) {\n#endif" counts one
 * brace. Directives other than #define print nothing.
 *
 * Where a caller or a use can be missed (a consumer must treat a function
 * that has no caller as an unscoped root, and a CALL with caller "-" as
 * unscoped):
 *  - functions defined by a macro invocation (DEFINE_FREE(name, ...),
 *    BTRFS_SETGET_FUNCS(...), DEFINE_GUARD): they are not FN records;
 *    their calls are the CALLs of the defining macro's body, whose
 *    invocation is a CALL with caller "-";
 *  - names built by ## that the templates do not cover (an argument that
 *    is not a plain identifier, more than 64 templates per macro, 10
 *    levels of macros, pasting inside an argument of another paste);
 *  - calls through function pointers are ICALLs, not resolved here: a
 *    function whose address is taken has a REF, and a function named
 *    only in a string (kallsyms_lookup_name("f"), BPF by name) has none;
 *  - a use right after a macro that ends with a type or a name, e.g.
 *    "MY_QUALIFIER f", reads as a declaration; "a * (*f)(x)" reads as a
 *    declarator (no ICALL);
 *  - visibility: a static function used from a .c file that includes
 *    its file in a way the lexer does not see (an #include whose name is
 *    built by a macro makes a file see every restricted header, but not
 *    every static); a restricted header reached through -include;
 *  - a macro argument is taken as no use when every #define of the macro
 *    drops it or passes it to a tracing macro's name: a definition made
 *    some other way (by another macro) is not seen;
 *  - unbalanced braces across #if branches in other shapes than above.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"

/* ------------------------------------------------------- token helpers */

/* The ")" matching the "(" at k, in the current context; -1 if none. */
static int match_fwd(int k)
{
	int d = 0;
	for (int q = k; q >= 0; q = cnext(q)) {
		if (ispc(q, '('))
			d++;
		else if (ispc(q, ')') && --d == 0)
			return q;
	}
	return -1;
}

/* A word after which a name is being declared (int x, struct s x, u32 x). */
static int typeish(int q)
{
	if (!isid(q))
		return 0;
	int f = kwflags(q);
	return !f || (f & K_TYPE);
}

/* ----------------------------------------------------------- output */

static const char *opath;

static void out_tok(int k)
{
	fwrite_unlocked(tstr(k), 1, tlen(k), stdout);
}

static void out_str(const char *s)
{
	fputs_unlocked(s, stdout);
}

static void out_int(long v)
{
	char b[24];
	int n = sizeof(b);
	do {
		b[--n] = '0' + v % 10;
		v /= 10;
	} while (v);
	fwrite_unlocked(b + n, 1, sizeof(b) - n, stdout);
}

#define TAB() putc_unlocked('\t', stdout)
#define NL() putc_unlocked('\n', stdout)

static int macro_pending = -1;	/* MACRO record to print before the next record */
static int macro_line;

static void out_head(const char *kind)
{
	if (macro_pending >= 0) {
		out_str("MACRO\t");
		out_str(opath);
		TAB();
		out_tok(macro_pending);
		TAB();
		out_int(macro_line);
		NL();
		macro_pending = -1;
	}
	out_str(kind);
	TAB();
	out_str(opath);
	TAB();
}

/* CALL / ICALL / REF: holder is a token (function or macro name) or -1. */
static void out_edge(const char *kind, int holder, const char *name, int nlen, int at)
{
	out_head(kind);
	if (holder >= 0)
		out_tok(holder);
	else
		putc_unlocked('-', stdout);
	TAB();
	fwrite_unlocked(name, 1, nlen, stdout);
	TAB();
	out_int(toks[at].line);
	TAB();
	out_int(toks[at].col);
	if (kind[0] == 'R') {	/* a REF made by a ## template: in no initializer */
		TAB();
		putc_unlocked('-', stdout);
	}
	NL();
}

static void out_edge_tok(const char *kind, int holder, int k, int at)
{
	out_edge(kind, holder, tstr(k), tlen(k), at);
}

/*
 * The field of a designated initializer the name at k is stored in
 * (".member = name" or ".member = &name", then "," or "}"), or -1. Only in
 * code: a macro body's initializer is seen where the macro is used.
 */
static int init_member(int k)
{
	int p = cprev(k), n = cnext(k);
	if (cx_macro || n < 0 || !(ispc(n, ',') || ispc(n, '}')))
		return -1;
	if (ispc(p, '&'))
		p = cprev(p);
	if (!ispc(p, '='))
		return -1;
	int m = cprev(p);
	return isid(m) && ispc(cprev(m), '.') ? m : -1;
}

/* REF file holder name line col member; member "()" for "&name(": maybe the address
 * of the call's result, printed to be safe */
static void out_ref_as(int holder, int k, int m, const char *mark)
{
	out_head("REF");
	if (holder >= 0)
		out_tok(holder);
	else
		putc_unlocked('-', stdout);
	TAB();
	out_tok(k);
	TAB();
	out_int(toks[k].line);
	TAB();
	out_int(toks[k].col);
	TAB();
	if (mark)
		fputs(mark, stdout);
	else if (m >= 0)
		out_tok(m);
	else
		putc_unlocked('-', stdout);
	NL();
}

static void out_ref(int holder, int k)
{
	out_ref_as(holder, k, init_member(k), NULL);
}

static void out_ref_call(int holder, int k)
{
	out_ref_as(holder, k, -1, "()");
}

/* ------------------------------------------------------------ records */

static int holder;		/* of the token being looked at */
static const struct mdef *cur_macro;	/* NULL in code */
static int nocall_until;	/* inside __attribute__((...)) / asm(...) up to this token */
static int in_fmacro_args;	/* code: inside the arguments of a function-like macro */
/* The code paren stack: 1 for the "(" of a function-like macro invocation. */
struct popen {
	int macro;		/* name id of the function-like macro invoked, -1 */
	int argi;		/* the argument being read */
};
static struct popen *pstack;	/* open ( [ { in code */
static int npstack, cappstack, nmacro_open;
static int last_call_tok = -1;	/* the last name visited that is followed by "(" */
static uint32_t last_call_flags;	/* and its flags */
static int last_call_id;		/* and its name id */

/*
 * Is name id, used here, one that a REF is printed for? level 0: only a
 * function; 1: or an object-like macro that calls; 2: or a function-like
 * macro that calls (in macro bodies and in macro arguments).
 */
static int ref_wanted(int id, int level)
{
	const struct name *nm = &names[id];
	unsigned b = nm->flags[0] | (cur_world ? nm->flags[1] : 0);
	unsigned c = cur_world ? (nm->calls | nm->calls >> 3) & 7 : nm->calls & 7;
	unsigned want = N_ANYFN;
	if (level >= 1)
		want |= c << (KD_OM * 3);
	if (level >= 2)
		want |= c << (KD_FM * 3);
	b &= want;
	if (!b)
		return 0;
	if ((b & N_GLOBAL) || cur_macro || cur_header)
		return 1;
	return visible_here(id, b);
}

/* An invocation of a macro with ## templates: print the pasted names. */
static void expand_templates(int id, int open)
{
	int close = match_fwd(open);
	if (close < 0)
		return;
	int args[MAXPARAMS + 1], argsimple[MAXPARAMS + 1], nargs = 0, d = 0, alo = cnext(open);
	for (int q = cnext(open); q >= 0 && q <= close; q = cnext(q)) {
		if (ispc(q, '(') || ispc(q, '[') || ispc(q, '{')) {
			d++;
			continue;
		}
		int closing = ispc(q, ')') || ispc(q, ']') || ispc(q, '}');
		if ((d == 0 && ispc(q, ',')) || q == close) {
			if (nargs <= MAXPARAMS) {
				int simple = alo >= 0 && alo != q && cnext(alo) == q &&
					(toks[alo].kind == T_IDENT || toks[alo].kind == T_NUM) &&
					param_index(cur_macro, alo) < 0;
				args[nargs] = alo;
				argsimple[nargs] = simple;
				nargs++;
			}
			alo = cnext(q);
			continue;
		}
		if (closing)
			d--;
	}
	for (int t = names[id].thead; t >= 0; t = templs[t].next) {
		char nb[512];
		int n = 0, at = -1;
		struct templ tp = templs[t];
		for (int c = 0; c < tp.ccount; c++) {
			struct comp cc = comps[tp.cfirst + c];
			const char *s;
			int len;
			if (cc.param >= 0) {
				if (cc.param >= nargs || !argsimple[cc.param])
					goto next;
				int a = args[cc.param];
				if (at < 0)
					at = a;
				s = tstr(a);
				len = tlen(a);
			} else {
				s = lits + cc.off;
				len = cc.len;
			}
			if (n + len >= (int)sizeof(nb))
				goto next;
			memcpy(nb + n, s, len);
			n += len;
		}
		if (at < 0)
			continue;
		int nid = name_id(nb, n, hash_str(nb, n), 0);
		if (nid >= 0 && ref_wanted(nid, 2))
			out_edge(tp.is_call ? "CALL" : "REF", holder, nb, n, at);
next:
		;
	}
}

/* Identifiers that name a type in a cast: (u32)(x), (size_t)(x). */
static int type_name(int q)
{
	static const char *const list[] = { "u8", "u16", "u32", "u64", "s8", "s16", "s32",
		"s64", "__u8", "__u16", "__u32", "__u64", "__s8", "__s16", "__s32", "__s64",
		"__le16", "__le32", "__le64", "__be16", "__be32", "__be64", "bool", "__force",
		"__user", "__iomem", "__percpu", "__rcu", "uint", "ulong", "ushort", "uchar",
		NULL };
	int f = kwflags(q);
	if (f)
		return (f & K_TYPE) != 0;
	int n = tlen(q);
	if (n > 2 && tstr(q)[n - 2] == '_' && tstr(q)[n - 1] == 't')
		return 1;
	for (int i = 0; list[i]; i++)
		if ((int)strlen(list[i]) == n && !memcmp(list[i], tstr(q), n))
			return 1;
	return 0;
}

/* The last identifier in tokens (lo, hi) of the current context, -1. */
static int last_ident(int lo, int hi)
{
	int r = -1;
	for (int q = cnext(lo); q >= 0 && q < hi; q = cnext(q))
		if (isid(q))
			r = q;
	return r;
}

/* "(" at k after ")" or "]": a call through an expression? */
static void visit_paren_call(int k)
{
	int p = cprev(k), m = match_back(p);
	if (m < 0)
		return;
	int pm = cprev(m);
	if (ispc(p, ']')) {
		/* tbl[i](x) */
		if (isid(pm))
			out_edge_tok("ICALL", holder, pm, k);
		else
			out_edge("ICALL", holder, "-", 1, k);
		return;
	}
	int pm_kw = isid(pm) ? kwflags(pm) : 0;
	if (pm_kw & (K_STMT | K_ATTR))
		return;		/* if (x) (void)y; */
	if (isid(pm) && (TEQ(pm, "sizeof") || TEQ(pm, "typeof") || TEQ(pm, "__typeof__") ||
			 TEQ(pm, "__typeof") || TEQ(pm, "_Alignof") || TEQ(pm, "__alignof__")))
		return;
	int first = cnext(m), last = cprev(p);
	if (first != p && ispc(first, '*') && (typeish(pm) || ispc(pm, '*')))
		return;		/* int (*fp)(void), fn_t (*fp)(void), void *(*fp)(void) */
	int li = last_ident(m, p);
	if (isid(pm) && !pm_kw) {
		/* f(a)(b), guard(mutex)(&m): a call of what f(a) gives */
		out_edge_tok("ICALL", holder, li >= 0 ? li : pm, k);
		return;
	}
	if (first == p || ispc(last, '*'))
		return;		/* (void *)(x) */
	int allty = 1;
	for (int q = first; q >= 0 && q < p && allty; q = cnext(q)) {
		if (isid(q))
			allty = type_name(q) || (q > first && (TEQ(cprev(q), "struct") ||
				TEQ(cprev(q), "union") || TEQ(cprev(q), "enum")));
		else
			allty = ispc(q, '*');
	}
	if (allty)
		return;		/* (u32)(x), (struct s *)(p) */
	if (li >= 0)
		out_edge_tok("ICALL", holder, li, k);
	else
		out_edge("ICALL", holder, "-", 1, k);
}

static int is_export(int k)
{
	return tlen(k) >= 13 && !memcmp(tstr(k), "EXPORT_SYMBOL", 13);
}

/* One identifier k in code or in a macro body. */
static void visit_ident(int k)
{
	int kw = kwflags(k);
	int n = cnext(k);
	int open = ispc(n, '(');

	if (kw) {
		if ((kw & K_ATTR) && k >= nocall_until) {
			/* skip qualifiers: asm volatile goto ( */
			int q = n;
			while (isid(q) && (kwflags(q) || TEQ(q, "goto") || TEQ(q, "inline")))
				q = cnext(q);
			if (ispc(q, '(')) {
				int e = match_fwd(q);
				if (e > nocall_until)
					nocall_until = e;
			}
		}
		return;
	}
	if (tflag[k] & (F_DEFNAME | F_EXPORTARG))
		return;
	if (param_index(cur_macro, k) >= 0)
		return;
	int p = cprev(k);
	int member = ispc(p, '.') || ispc2(p, "->");
	int file_scope = !cur_macro && !(tflag[k] & F_INBRACE);

	if (open) {
		if (k < nocall_until)
			goto ref;	/* __attribute__((cleanup(f))) */
		if (member) {
			if (!file_scope)
				out_edge_tok("ICALL", holder, k, k);
			return;
		}
		if (is_export(k)) {
			int a = cnext(n);
			if (isid(a) && !kwflags(a) && param_index(cur_macro, a) < 0 &&
			    (ispc(cnext(a), ',') || ispc(cnext(a), ')'))) {
				out_head("EXPORT");
				out_tok(a);
				TAB();
				out_int(toks[a].line);
				NL();
				tflag[a] |= F_EXPORTARG;
			}
			return;
		}
		int id = tok_id(k, 0);
		uint32_t fl = id >= 0 ? names[id].flags[0] | names[id].flags[1] : 0;
		last_call_tok = k;
		last_call_flags = fl;
		last_call_id = id;
		if (file_scope && (typeish(p) || ispc(p, '*') || ispc(p, ')')) &&
		    !TEQ(p, "static") && !TEQ(p, "extern"))
			return;		/* a prototype: int foo(int); */
		if (file_scope && ispc(p, ',') && npstack == 0)
			return;		/* int foo(int), bar(void); */
		out_edge_tok("CALL", holder, k, k);
		if (ispc(p, '&') && id >= 0 && ref_wanted(id, 0))
			out_ref_call(holder, k);
		if (id >= 0 && names[id].thead >= 0)
			expand_templates(id, n);
		return;
	}
ref:
	if (member)
		return;
	if (cur_macro && !cur_macro->is_func && cur_macro->lo == cur_macro->hi &&
	    tlen(k) == tlen(cur_macro->name) && !memcmp(tstr(k), tstr(cur_macro->name), tlen(k)))
		return;		/* #define f f: uses of f are seen where they are */
	if (ispc(n, ':') && (p < 0 || ispc(p, ';') || ispc(p, '{') || ispc(p, '}')))
		return;		/* a label */
	if (typeish(p))
		return;		/* a declaration, goto label */
	if (ispc(p, '*')) {
		int pp = cprev(p);
		if (typeish(pp) || ispc(pp, '*'))
			return;	/* struct x *name */
		if (ispc(pp, '(') && ispc(n, ')') && typeish(cprev(pp)))
			return;	/* int (*name)(void) */
	}
	int id = tok_id(k, 0);
	if (id < 0 || !ref_wanted(id, cur_macro || in_fmacro_args ? 2 : 1))
		return;
	if (!cur_macro && npstack > 0 && pstack[npstack - 1].macro >= 0 &&
	    (ispc(p, '(') || ispc(p, ',')) && (ispc(n, ',') || ispc(n, ')')) &&
	    !arg_plain(pstack[npstack - 1].macro, pstack[npstack - 1].argi))
		return;		/* DEFINE_EVENT(class, name, ...) pastes name */
	out_ref(holder, k);
}

/* DEFINE: the whole of a #define whose name some #define gives a memalloc save. */
static void out_define(const struct mdef *m)
{
	int id = tok_id(m->name, 0);
	if (id < 0 || !(names[id].flags[0] & N_SAVEBODY))
		return;
	out_head("DEFINE");
	out_tok(m->name);
	TAB();
	out_int(toks[m->name].line);
	TAB();
	putc_unlocked((names[id].flags[0] | names[id].flags[1]) & (N_ANYFN | N_DECL) ? '1' : '0', stdout);
	TAB();
	if (!m->is_func)
		putc_unlocked('-', stdout);
	for (int i = 0; m->is_func && i < m->nparams; i++) {
		if (i)
			putc_unlocked(',', stdout);
		out_tok(m->params[i]);
	}
	if (m->is_func && m->variadic)
		out_str(m->nparams ? ",..." : "...");
	TAB();
	for (int k = m->lo; k <= m->hi; k++) {
		if (k > m->lo)
			putc_unlocked(' ', stdout);
		/* a literal (or a token a splice cuts) as a bare quote: no tab or space inside */
		if (toks[k].kind == T_STR || memchr(tstr(k), '\\', tlen(k)) || memchr(tstr(k), '\n', tlen(k)))
			putc_unlocked('"', stdout);
		else
			out_tok(k);
	}
	NL();
}

/* The records of the body of one #define. */
static void visit_define(const struct mdef *m)
{
	cx_macro = 1;
	cx_lo = m->lo;
	cx_hi = m->hi;
	cur_macro = m;
	holder = m->name;
	nocall_until = -1;
	in_fmacro_args = 0;
	macro_pending = m->name;
	macro_line = toks[m->name].line;
	for (int k = m->lo; k <= m->hi; k++) {
		if (toks[k].kind == T_IDENT)
			visit_ident(k);
		else if (ispc(k, '(') && k >= nocall_until &&
			 (ispc(cprev(k), ')') || ispc(cprev(k), ']')))
			visit_paren_call(k);
	}
	macro_pending = -1;
	cur_macro = NULL;
	cx_macro = 0;
}

static void records(void)
{
	int fc = 0;		/* next fns[] entry */
	int last_fn = -2;

	nocall_until = -1;
	npstack = nmacro_open = 0;
	for (int k = 0; k < ntoks;) {
		if (toks[k].dir) {
			int d = toks[k].dir, e = k;
			while (e < ntoks && toks[e].dir == d)
				e++;
			struct mdef m;
			if (!toks[k].if0 && !strcmp(dirs[d].name, "define") &&
			    parse_define(k, e - 1, &m)) {
				visit_define(&m);
				out_define(&m);
			}
			k = e;
			continue;
		}
		if (toks[k].if0) {
			k++;
			continue;
		}
		holder = func_of[k];
		if (holder != last_fn) {
			/* a new function: forget the paren state of the last */
			npstack = nmacro_open = 0;
			last_fn = holder;
		}
		if (toks[k].kind == T_IDENT) {
			if (tflag[k] & F_DEFNAME) {
				while (fc < nfns && fns[fc].name < k)
					fc++;
				for (; fc < nfns && fns[fc].name == k; fc++) {
					struct fn *f = &fns[fc];
					out_head("FN");
					out_tok(k);
					TAB();
					out_int(f->is_static);
					TAB();
					out_int(f->is_inline);
					TAB();
					out_int(f->start_line);
					TAB();
					out_int(toks[f->close].line);
					NL();
				}
			}
			in_fmacro_args = nmacro_open > 0;
			visit_ident(k);
		} else if (ispc(k, '(') || ispc(k, '[') || ispc(k, '{')) {
			int p = prevc(k);
			int is_macro = ispc(k, '(') && p >= 0 && p == last_call_tok &&
				(last_call_flags & N_ANYFM);
			if (npstack == cappstack) {
				cappstack = cappstack ? cappstack * 2 : 256;
				pstack = xrealloc(pstack, cappstack * sizeof(*pstack));
			}
			pstack[npstack++] = (struct popen){ is_macro ? last_call_id : -1, 0 };
			nmacro_open += is_macro;
			if (ispc(k, '(') && k >= nocall_until && (tflag[k] & F_INBRACE) &&
			    (ispc(p, ')') || ispc(p, ']')))
				visit_paren_call(k);
		} else if (ispc(k, ')') || ispc(k, ']') || ispc(k, '}')) {
			if (npstack > 0)
				nmacro_open -= pstack[--npstack].macro >= 0;
		} else if (ispc(k, ',')) {
			if (npstack > 0)
				pstack[npstack - 1].argi++;
		}
		k++;
	}
}

/* ------------------------------------------------------------ passes */

void graph_pass(int pass, int file, const char *path, const char *buf, int len)
{
	static int kw_ready;
	if (!kw_ready) {
		init_keywords();
		kw_ready = 1;
	}
	visible_enter(file, path);
	buf_g = buf;
	lex(buf, len);
	debug = pass == 2 && getenv("GFPLEX_DEBUG");
	dbg_path = path;
	find_functions_graph();
	if (pass == 1) {
		visible_collect(file, path);
		for (int i = 0; i < nfns; i++) {
			if (fns[i].macro_made)
				continue;
			int id = tok_id(fns[i].name, 1);
			define_name(id, KD_FN, fns[i].is_static);
		}
		/* declared functions: int f(int); void *g(void) */
		for (int k = 0; k < ntoks; k++) {
			if (toks[k].kind != T_IDENT || !live_code(k) || (tflag[k] & F_INBRACE))
				continue;
			int n = nextc(k), p = prevc(k);
			if (!ispc(n, '(') || kwflags(k) || !(typeish(p) || ispc(p, '*')))
				continue;
			int id = tok_id(k, 1);
			names[id].flags[cur_world] |= N_DECL;
		}
		for (int k = 0; k < ntoks;) {
			if (!toks[k].dir) {
				k++;
				continue;
			}
			int d = toks[k].dir, e = k;
			while (e < ntoks && toks[e].dir == d)
				e++;
			struct mdef m;
			if (toks[k].if0) {
				/* dead */
			} else if (!strcmp(dirs[d].name, "define")) {
				if (parse_define(k, e - 1, &m))
					collect_define(&m);
			} else if (!strcmp(dirs[d].name, "include") ||
				   !strcmp(dirs[d].name, "include_next")) {
				collect_include(k, e);
			}
			k = e;
		}
		return;
	}
	/* who this file sees: the headers its group #includes */
	visible_scope(file);
	opath = path;
	records();
}

/* After pass 1: who sees what, which macros call, templates through macro calls. */
void graph_resolve(void)
{
	resolve_includes();
	resolve_param_uses();
	resolve_escaped();
	resolve_macro_calls();
	resolve_templates();
	if (getenv("GFPLEX_STATS"))
		fprintf(stderr, "gfplex: names %d (arena %zu), macro edges %zu, templates %d, "
			"forwards %d, comps %d, local pairs %llu, restricted defs %d, "
			"includes %d\n", nnames, narena, nmedges / 3, ntempls, nfwds, ncomps,
			(unsigned long long)nlset, nrdnodes, nincs);
}
