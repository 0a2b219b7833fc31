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
 * templates) and the #include lines; pass 2 prints. Records, TAB-separated,
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
 *   REF file holder name line col
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
 *	## templates: when a function-like macro pastes an argument into a
 *	name (DEVICE_ATTR_RO(foo) -> foo_show, also through other macros it
 *	passes the argument to), an invocation with a plain identifier
 *	argument prints a REF of the pasted name (a CALL when the pasted name
 *	is followed by "(" in the macro) if that name is a function or a
 *	calling macro, at the argument's position.
 *   EXPORT file name line
 *	EXPORT_SYMBOL*(name ...) with a plain identifier: any macro whose name
 *	starts with EXPORT_SYMBOL. Replaces the CALL and the REF.
 *
 * Who sees a definition (for REF) is described at struct name: the kernel
 * does not see tools/, scripts/ and arch/X/boot/; a static function or a
 * macro of a .c file is seen in that file (and its #include "x.c" group);
 * a header outside include/ directories is seen by the files that
 * #include it. Headers and macro bodies see everything.
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

#include "gfplex.h"

/* ---------------------------------------------------------------- names */

/*
 * What a name is, per world (0: the kernel; 1: user space and boot loaders,
 * tools/, scripts/ and arch/X/boot/, whose definitions the kernel does not
 * see; files of world 1 see both). A definition has a kind (function,
 * function-like macro, object-like macro) and a class that says who sees it:
 *   global      a non-static function in a .c file, anything in a header
 *               under an include/ directory: seen everywhere;
 *   local       a static function or a macro in a .c file: seen from that
 *               file and from the files of its #include "x.c" group (a
 *               file and the .c files it includes, found next to it or,
 *               failing that, by base name: one translation unit);
 *   restricted  anything in another header (drivers/net/ipa/reg.h): seen
 *               from the .c files that #include it, directly or through
 *               other restricted headers (#include "x.h" names the x.h
 *               next to the includer if there is one, else every
 *               restricted header whose path ends with x.h, as does
 *               #include <x.h>), from everywhere if a header that is not
 *               restricted #includes it, and from every file if an
 *               #include on the way is written with a macro.
 * Headers and macro bodies see everything: they are pasted into files
 * this lexer does not follow.
 */
enum { C_GLOBAL, C_LOCAL, C_RESTR };
enum { KD_FN, KD_FM, KD_OM };
#define NB(kind, class)	(1u << ((kind) * 3 + (class)))
#define N_FN		NB(KD_FN, C_GLOBAL)
#define N_FM		NB(KD_FM, C_GLOBAL)
#define N_OM		NB(KD_OM, C_GLOBAL)
#define N_DECL		(1u << 9)	/* a function declared at file scope: int f(int); */
#define N_GLOBAL	(N_FN | N_FM | N_OM)
#define N_LOCAL		(NB(KD_FN, C_LOCAL) | NB(KD_FM, C_LOCAL) | NB(KD_OM, C_LOCAL))
#define N_RESTR		(NB(KD_FN, C_RESTR) | NB(KD_FM, C_RESTR) | NB(KD_OM, C_RESTR))
#define N_ANYFN		(7u << (KD_FN * 3))
#define N_ANYFM		(7u << (KD_FM * 3))
#define N_MACRO		(N_ANYFM | (7u << (KD_OM * 3)))

struct name {
	uint32_t hash, off, len;
	uint16_t flags[2];	/* per world */
	unsigned char calls;	/* its expansion calls: bit world * 3 + class of the macro */
	int thead;		/* first ## template of this macro, -1 */
	int ntempl;
	int rdhead;		/* restricted headers defining it: rdnodes list, -1 */
	int rhhead;		/* restricted headers with this base name: rh_next list */
	int chead;		/* .c files with this base name: c_next list */
	int fmdefs;		/* function-like #defines of this name */
	uint64_t plain;		/* bit j: some definition uses argument j */
	uint64_t tpnames;	/* bit j: argument j names a tracepoint */
};

static struct name *names;
static int nnames, capnames;
static uint64_t *slots;		/* hash << 32 | (id + 1), 0 = empty */
static uint32_t capslots;
static char *arena;
static size_t narena, caparena;

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

static inline uint32_t hash_str(const char *s, int n)
{
	uint32_t h = 2166136261u;
	for (int i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static void grow_slots(void)
{
	uint32_t cap = capslots ? capslots * 2 : 1 << 16;
	uint64_t *ns = calloc(cap, sizeof(*ns));
	if (!ns)
		die("out of memory");
	for (uint32_t i = 0; i < capslots; i++) {
		if (!slots[i])
			continue;
		uint32_t j = (uint32_t)(slots[i] >> 32) & (cap - 1);
		while (ns[j])
			j = (j + 1) & (cap - 1);
		ns[j] = slots[i];
	}
	free(slots);
	slots = ns;
	capslots = cap;
}

/* The id of a name, -1 if unknown (add == 0) */
static int name_id(const char *s, int n, uint32_t h, int add)
{
	if (!capslots) {
		if (!add)
			return -1;
		grow_slots();
	}
	uint32_t j = h & (capslots - 1);
	for (;;) {
		uint64_t v = slots[j];
		if (!v)
			break;
		if ((uint32_t)(v >> 32) == h) {
			struct name *nm = &names[(uint32_t)v - 1];
			if (nm->len == (uint32_t)n && !memcmp(arena + nm->off, s, n))
				return (int)(uint32_t)v - 1;
		}
		j = (j + 1) & (capslots - 1);
	}
	if (!add)
		return -1;
	if (nnames == capnames) {
		capnames = capnames ? capnames * 2 : 1 << 16;
		names = xrealloc(names, capnames * sizeof(*names));
	}
	if (narena + n + 1 > caparena) {
		caparena = (narena + n + 1) * 2;
		arena = xrealloc(arena, caparena);
	}
	memcpy(arena + narena, s, n);
	arena[narena + n] = 0;
	names[nnames] = (struct name){ .hash = h, .off = narena, .len = n, .thead = -1,
		.rdhead = -1, .rhhead = -1, .chead = -1 };
	narena += n + 1;
	slots[j] = (uint64_t)h << 32 | (uint32_t)(nnames + 1);
	nnames++;
	if ((uint64_t)nnames * 2 > capslots)
		grow_slots();
	return nnames - 1;
}

static inline const char *tstr(int k)
{
	return buf_g + toks[k].start;
}

static inline int tlen(int k)
{
	return toks[k].end - toks[k].start;
}

static int tok_id(int k, int add)
{
	return name_id(tstr(k), tlen(k), hash_str(tstr(k), tlen(k)), add);
}

/* ------------------------------------------------------------- keywords */

#define K_KW	0x01	/* a keyword: never a CALL or a REF */
#define K_TYPE	0x02	/* a declaration word: a name after it is declared */
#define K_ATTR	0x04	/* __attribute__ / asm: no CALL inside its parentheses */
#define K_STMT	0x08	/* if/while/for/switch: "(...)" after it is no call */

static const struct {
	const char *s;
	int f;
} kwlist[] = {
	{ "auto", K_KW | K_TYPE }, { "char", K_KW | K_TYPE }, { "const", K_KW | K_TYPE },
	{ "double", K_KW | K_TYPE }, { "enum", K_KW | K_TYPE }, { "extern", K_KW | K_TYPE },
	{ "float", K_KW | K_TYPE }, { "inline", K_KW | K_TYPE }, { "int", K_KW | K_TYPE },
	{ "long", K_KW | K_TYPE }, { "register", K_KW | K_TYPE },
	{ "restrict", K_KW | K_TYPE }, { "short", K_KW | K_TYPE },
	{ "signed", K_KW | K_TYPE }, { "static", K_KW | K_TYPE },
	{ "struct", K_KW | K_TYPE }, { "typedef", K_KW | K_TYPE },
	{ "union", K_KW | K_TYPE }, { "unsigned", K_KW | K_TYPE }, { "void", K_KW | K_TYPE },
	{ "volatile", K_KW | K_TYPE }, { "_Bool", K_KW | K_TYPE },
	{ "_Complex", K_KW | K_TYPE }, { "_Imaginary", K_KW | K_TYPE },
	{ "_Atomic", K_KW | K_TYPE }, { "_Thread_local", K_KW | K_TYPE },
	{ "_Noreturn", K_KW | K_TYPE }, { "_Alignas", K_KW | K_TYPE },
	{ "__int128", K_KW | K_TYPE }, { "__signed__", K_KW | K_TYPE },
	{ "__signed", K_KW | K_TYPE }, { "__const__", K_KW | K_TYPE },
	{ "__const", K_KW | K_TYPE }, { "__volatile__", K_KW | K_TYPE },
	{ "__volatile", K_KW | K_TYPE }, { "__inline__", K_KW | K_TYPE },
	{ "__inline", K_KW | K_TYPE }, { "__restrict__", K_KW | K_TYPE },
	{ "__restrict", K_KW | K_TYPE }, { "__auto_type", K_KW | K_TYPE },
	{ "__thread", K_KW | K_TYPE }, { "goto", K_KW | K_TYPE },
	{ "__label__", K_KW | K_TYPE },
	{ "break", K_KW }, { "case", K_KW }, { "continue", K_KW }, { "default", K_KW },
	{ "do", K_KW }, { "else", K_KW }, { "return", K_KW }, { "sizeof", K_KW },
	{ "for", K_KW | K_STMT }, { "if", K_KW | K_STMT }, { "switch", K_KW | K_STMT },
	{ "while", K_KW | K_STMT },
	{ "_Alignof", K_KW }, { "_Generic", K_KW }, { "_Static_assert", K_KW },
	{ "alignof", K_KW }, { "__alignof__", K_KW }, { "__alignof", K_KW },
	{ "typeof", K_KW }, { "__typeof__", K_KW }, { "__typeof", K_KW },
	{ "typeof_unqual", K_KW }, { "__typeof_unqual__", K_KW },
	{ "__extension__", K_KW }, { "__real__", K_KW }, { "__imag__", K_KW },
	{ "__VA_ARGS__", K_KW }, { "__VA_OPT__", K_KW }, { "defined", K_KW },
	{ "__attribute__", K_KW | K_ATTR }, { "__attribute", K_KW | K_ATTR },
	{ "asm", K_KW | K_ATTR }, { "__asm__", K_KW | K_ATTR }, { "__asm", K_KW | K_ATTR },
	{ NULL, 0 }
};

#define KWSLOTS 512
static struct {
	const char *s;
	int n, f;
} kwtab[KWSLOTS];

static void init_keywords(void)
{
	static int done;

	if (done++)
		return;
	for (int i = 0; kwlist[i].s; i++) {
		int n = strlen(kwlist[i].s);
		uint32_t j = hash_str(kwlist[i].s, n) & (KWSLOTS - 1);
		while (kwtab[j].s)
			j = (j + 1) & (KWSLOTS - 1);
		kwtab[j].s = kwlist[i].s;
		kwtab[j].n = n;
		kwtab[j].f = kwlist[i].f;
	}
}

static int kw_of(const char *s, int n, uint32_t h)
{
	if (n > 10 && !memcmp(s, "__builtin_", 10))
		return K_KW;
	for (uint32_t j = h & (KWSLOTS - 1); kwtab[j].s; j = (j + 1) & (KWSLOTS - 1))
		if (kwtab[j].n == n && !memcmp(kwtab[j].s, s, n))
			return kwtab[j].f;
	return 0;
}

/* ------------------------------------------------------- token helpers */

/* Per-token facts of the current file. */
#define F_DEFNAME	0x01	/* the name in a definition header */
#define F_EXPORTARG	0x02	/* the argument of EXPORT_SYMBOL*: no REF */
#define F_INBRACE	0x04	/* code inside braces (a body or an initializer) */

static int *func_of;		/* code token -> name token of its function, -1 */
static unsigned char *tflag;
static int *kwf;		/* keyword flags of each identifier, -1 = not computed */
static int captokarrays;

static inline int ispc(int k, char c)
{
	return k >= 0 && toks[k].kind == T_PUNCT && toks[k].end - toks[k].start == 1 &&
		buf_g[toks[k].start] == c;
}

static inline int ispc2(int k, const char *s)
{
	return k >= 0 && toks[k].kind == T_PUNCT && toks[k].end - toks[k].start == 2 &&
		buf_g[toks[k].start] == s[0] && buf_g[toks[k].start + 1] == s[1];
}

static inline int isid(int k)
{
	return k >= 0 && toks[k].kind == T_IDENT;
}

static int kwflags(int k)
{
	if (kwf[k] < 0)
		kwf[k] = kw_of(tstr(k), tlen(k), hash_str(tstr(k), tlen(k)));
	return kwf[k];
}

#define TEQ(k, lit) (tlen(k) == (int)sizeof(lit) - 1 && !memcmp(tstr(k), lit, sizeof(lit) - 1))

static inline int live_code(int k)
{
	return !toks[k].dir && !toks[k].if0;
}

static inline int prevc(int k)
{
	for (k--; k >= 0; k--)
		if (live_code(k))
			return k;
	return -1;
}

static inline int nextc(int k)
{
	for (k++; k < ntoks; k++)
		if (live_code(k))
			return k;
	return -1;
}

/*
 * The context records are made in: code (skipping directives and #if 0),
 * or the body of one #define, tokens [cx_lo, cx_hi].
 */
static int cx_macro, cx_lo, cx_hi;

static inline int cprev(int k)
{
	if (cx_macro)
		return k - 1 >= cx_lo ? k - 1 : -1;
	return prevc(k);
}

static inline int cnext(int k)
{
	if (cx_macro)
		return k + 1 <= cx_hi ? k + 1 : -1;
	return nextc(k);
}

/* The "(" or "[" matching the ")" or "]" at k, in the current context. */
static int match_back(int k)
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

struct fn {
	int name, close;
	int start_line, is_static, is_inline;
	int macro_made;		/* SYSCALL_DEFINE1(name, ...): named after the macro */
};

static struct fn *fns;
static int nfns, capfns;

static void add_fn(int name)
{
	if (nfns == capfns) {
		capfns = capfns ? capfns * 2 : 1024;
		fns = xrealloc(fns, capfns * sizeof(*fns));
	}
	struct fn *f = &fns[nfns++];
	f->name = name;
	f->close = -1;
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

static int debug;		/* GFPLEX_DEBUG: brace troubles on stderr */
static const char *dbg_path;

/* Brace depth, function bodies, definition headers of the current file. */
static void find_functions_graph(void)
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
				nfr++;
			} else if (!strcmp(d, "else") || !strcmp(d, "elif") ||
				   !strcmp(d, "elifdef") || !strcmp(d, "elifndef")) {
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
					fns[nfns - 1].close = -1;
					cur = nm;
					depth++;
					goto plain;
				}
				if (nm >= 0) {
					add_fn(nm);
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

/* ------------------------------------------------------------- #defines */

#define MAXPARAMS 128

struct mdef {
	int name;		/* token of the macro's name */
	int is_func, variadic;
	int named_va;		/* args...: the index of args, -1 */
	int params[MAXPARAMS];	/* parameter name tokens */
	int nparams;
	int lo, hi;		/* the body, tokens [lo, hi] */
};

/* Parse the #define whose tokens are [k0, k1]; 0 if it is not one. */
static int parse_define(int k0, int k1, struct mdef *m)
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
static int param_index(const struct mdef *m, int k)
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

/* ----------------------------------------------------- ## templates */

/* A piece of a pasted name: a parameter (param >= 0) or literal text. */
struct comp {
	int param;
	uint32_t off, len;	/* literal: lits[off .. off+len) */
};

struct templ {
	int macro, cfirst, ccount, is_call, next;
};

/* A call B(args) in the body of macro A whose arguments carry A's parameters. */
struct fwd {
	int a, b, afirst, acount;
};

struct farg {
	int cfirst, ccount;	/* ccount 0: not a plain name or paste */
};

static struct comp *comps;
static int ncomps, capcomps;
static struct templ *templs;
static int ntempls, captempls;
static struct fwd *fwds;
static int nfwds, capfwds;
static struct farg *fargs;
static int nfargs, capfargs;
static char *lits;
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

/* ------------------------------------------------------ files, locals */

static int cur_file, cur_world, cur_header, cur_restricted;
static int cur_all_restr;	/* sees every restricted name */

/* Per file. */
#define FF_INCLUDER	0x01	/* #includes a .c file */
#define FF_MACROINC	0x02	/* has an #include MACRO */
#define FF_RESTR	0x04	/* a restricted header */
#define FF_ESCAPED	0x08	/* a restricted header a global header #includes */
static const char **file_path;
static unsigned char *file_flags;
static int *inc_first, *inc_count;	/* its #include strings: incs[] */
static int *rh_next;		/* next restricted header with the same base name */
static int *c_next;		/* next .c file with the same base name */
static int *grp, *gnext;	/* #include "x.c" groups: union-find parent, member list */
static unsigned *fstamp;	/* visited mark of the #include walk */
static unsigned cur_stamp;
static int capfiles;

struct inc {
	uint32_t off, len;	/* in inc_text, as written */
	int quoted;		/* "x.h", not <x.h> */
	int target;		/* the file "x.h" names next to its includer, -1 */
};
static struct inc *incs;
static int nincs, capincs;
static char *inc_text;
static size_t ninc_text, capinc_text;

/* Restricted headers that define a name. */
struct rdnode {
	int file, next;
};
static struct rdnode *rdnodes;
static int nrdnodes, caprdnodes;

/* 1: user space and boot loaders (tools/, scripts/, arch/X/boot/), else 0. */
static int world_of(const char *path)
{
	if (!strncmp(path, "tools/", 6) || !strncmp(path, "scripts/", 8))
		return 1;
	if (strncmp(path, "arch/", 5))
		return 0;
	const char *s = strchr(path + 5, '/');
	return s && !strncmp(s, "/boot/", 6);
}

/* A header outside every include/ directory. */
static int restricted_header(const char *path, int is_header)
{
	if (!is_header)
		return 0;
	if (!strncmp(path, "include/", 8))
		return 0;
	return !strstr(path, "/include/");
}

static const char *base_name(const char *p)
{
	const char *b = strrchr(p, '/');
	return b ? b + 1 : p;
}

static int base_id(const char *p, int add)
{
	const char *b = base_name(p);
	return name_id(b, strlen(b), hash_str(b, strlen(b)), add);
}

static void grow_files(int file)
{
	if (file < capfiles)
		return;
	int cap = file * 2 + 1024;
	file_path = xrealloc(file_path, cap * sizeof(*file_path));
	file_flags = xrealloc(file_flags, cap);
	inc_first = xrealloc(inc_first, cap * sizeof(*inc_first));
	inc_count = xrealloc(inc_count, cap * sizeof(*inc_count));
	rh_next = xrealloc(rh_next, cap * sizeof(*rh_next));
	c_next = xrealloc(c_next, cap * sizeof(*c_next));
	grp = xrealloc(grp, cap * sizeof(*grp));
	gnext = xrealloc(gnext, cap * sizeof(*gnext));
	fstamp = xrealloc(fstamp, cap * sizeof(*fstamp));
	for (int i = capfiles; i < cap; i++) {
		file_path[i] = NULL;
		file_flags[i] = 0;
		inc_first[i] = inc_count[i] = 0;
		rh_next[i] = c_next[i] = gnext[i] = -1;
		grp[i] = i;
		fstamp[i] = 0;
	}
	capfiles = cap;
}

static void add_inc(const char *s, int n, int quoted)
{
	if (nincs == capincs) {
		capincs = capincs ? capincs * 2 : 4096;
		incs = xrealloc(incs, capincs * sizeof(*incs));
	}
	if (ninc_text + n + 1 > capinc_text) {
		capinc_text = (ninc_text + n + 1) * 2;
		inc_text = xrealloc(inc_text, capinc_text);
	}
	memcpy(inc_text + ninc_text, s, n);
	inc_text[ninc_text + n] = 0;
	incs[nincs] = (struct inc){ ninc_text, n, quoted, -1 };
	ninc_text += n + 1;
	nincs++;
}

/* The local set: (file, name) pairs, a name defined in that .c file. */
static uint64_t *lset;
static uint64_t nlset, caplset;

static inline uint64_t lkey(int file, int id)
{
	return ((uint64_t)(uint32_t)file << 32 | (uint32_t)id) + 1;
}

static inline uint64_t lhash(uint64_t key)
{
	key *= 0x9E3779B97F4A7C15ull;
	return key ^ key >> 29;
}

static void grow_lset(void)
{
	uint64_t cap = caplset ? caplset * 2 : 1 << 16;
	uint64_t *ns = calloc(cap, sizeof(*ns));
	if (!ns)
		die("out of memory");
	for (uint64_t i = 0; i < caplset; i++) {
		if (!lset[i])
			continue;
		uint64_t j = lhash(lset[i]) & (cap - 1);
		while (ns[j])
			j = (j + 1) & (cap - 1);
		ns[j] = lset[i];
	}
	free(lset);
	lset = ns;
	caplset = cap;
}

static void local_add(int file, int id)
{
	if ((nlset + 1) * 2 > caplset)
		grow_lset();
	uint64_t key = lkey(file, id), j = lhash(key) & (caplset - 1);
	while (lset[j] && lset[j] != key)
		j = (j + 1) & (caplset - 1);
	if (!lset[j]) {
		lset[j] = key;
		nlset++;
	}
}

static int local_has(int file, int id)
{
	if (!caplset)
		return 0;
	uint64_t key = lkey(file, id), j = lhash(key) & (caplset - 1);
	while (lset[j]) {
		if (lset[j] == key)
			return 1;
		j = (j + 1) & (caplset - 1);
	}
	return 0;
}

/* Paths of the files seen, to resolve "x.h" next to its includer. */
static int *pmap;
static uint32_t cappmap;

static int path_lookup(const char *p)
{
	uint32_t j = hash_str(p, strlen(p)) & (cappmap - 1);
	for (; pmap[j] >= 0; j = (j + 1) & (cappmap - 1))
		if (!strcmp(file_path[pmap[j]], p))
			return pmap[j];
	return -1;
}

/* dir/rel with "." and ".." resolved, into out; 0 if it leaves the tree. */
static int join_path(const char *dir, int dlen, const char *rel, char *out, int cap)
{
	int n = 0;
	const char *parts[2] = { dir, rel };
	int lens[2] = { dlen, (int)strlen(rel) };
	for (int i = 0; i < 2; i++) {
		const char *s = parts[i], *end = s + lens[i];
		while (s < end) {
			const char *c = memchr(s, '/', end - s);
			int cl = (c ? c : end) - s;
			if (cl == 0 || (cl == 1 && s[0] == '.')) {
				/* skip */
			} else if (cl == 2 && s[0] == '.' && s[1] == '.') {
				if (n == 0)
					return 0;
				while (n > 0 && out[n - 1] != '/')
					n--;
				if (n > 0)
					n--;
			} else {
				if (n + cl + 2 >= cap)
					return 0;
				if (n)
					out[n++] = '/';
				memcpy(out + n, s, cl);
				n += cl;
			}
			s += cl + 1;
		}
	}
	out[n] = 0;
	return n > 0;
}

static int group_find(int f)
{
	while (grp[f] != f) {
		grp[f] = grp[grp[f]];
		f = grp[f];
	}
	return f;
}

static void group_union(int a, int b)
{
	a = group_find(a);
	b = group_find(b);
	if (a != b)
		grp[a < b ? b : a] = a < b ? a : b;
}

/* After pass 1: which file each "x.h" names, when it is next to its includer. */
static void resolve_includes(void)
{
	int nf = 0;
	for (int f = 0; f < capfiles; f++)
		nf += file_path[f] != NULL;
	cappmap = 1024;
	while (cappmap < (uint32_t)nf * 2)
		cappmap *= 2;
	pmap = xrealloc(pmap, cappmap * sizeof(*pmap));
	memset(pmap, 0xff, cappmap * sizeof(*pmap));
	for (int f = 0; f < capfiles; f++) {
		if (!file_path[f])
			continue;
		uint32_t j = hash_str(file_path[f], strlen(file_path[f])) & (cappmap - 1);
		while (pmap[j] >= 0)
			j = (j + 1) & (cappmap - 1);
		pmap[j] = f;
	}
	for (int f = 0; f < capfiles; f++) {
		if (!file_path[f])
			continue;
		const char *p = file_path[f], *slash = strrchr(p, '/');
		int dlen = slash ? slash - p : 0;
		for (int i = inc_first[f]; i < inc_first[f] + inc_count[f]; i++) {
			char full[4096];
			if (incs[i].quoted &&
			    join_path(p, dlen, inc_text + incs[i].off, full, sizeof(full)))
				incs[i].target = path_lookup(full);
		}
	}
	/* a file and the .c files it #includes are one translation unit */
	for (int f = 0; f < capfiles; f++) {
		if (!(file_flags[f] & FF_INCLUDER))
			continue;
		for (int i = inc_first[f]; i < inc_first[f] + inc_count[f]; i++) {
			const char *s = inc_text + incs[i].off;
			uint32_t n = incs[i].len;
			if (n < 3 || s[n - 2] != '.' || s[n - 1] != 'c')
				continue;
			if (incs[i].target >= 0) {
				group_union(f, incs[i].target);
				continue;
			}
			int bid = base_id(s, 0);
			for (int c = bid >= 0 ? names[bid].chead : -1; c >= 0; c = c_next[c])
				group_union(f, c);
		}
	}
	for (int f = 0; f < capfiles; f++) {
		int r = group_find(f);
		if (r != f) {
			gnext[f] = gnext[r];
			gnext[r] = f;
		}
	}
}

/*
 * Visit the restricted headers an #include string can name, the ones whose
 * path ends with it, not visited in this walk yet; fn may push them.
 */
static int *hstack;
static int nhstack, caphstack;

static void push_header(int f)
{
	if (fstamp[f] == cur_stamp || !(file_flags[f] & FF_RESTR))
		return;
	fstamp[f] = cur_stamp;
	if (nhstack == caphstack) {
		caphstack = caphstack ? caphstack * 2 : 256;
		hstack = xrealloc(hstack, caphstack * sizeof(*hstack));
	}
	hstack[nhstack++] = f;
}

static void push_matches(const struct inc *in)
{
	if (in->target >= 0) {
		/* "x.h" found next to the file that includes it */
		push_header(in->target);
		return;
	}
	/* else searched in the -I directories: any header whose path ends so */
	const char *s = inc_text + in->off;
	uint32_t n = in->len;
	for (;;) {
		if (n > 2 && !memcmp(s, "./", 2)) {
			s += 2;
			n -= 2;
		} else if (n > 3 && !memcmp(s, "../", 3)) {
			s += 3;
			n -= 3;
		} else {
			break;
		}
	}
	int id = base_id(s, 0);
	if (id < 0)
		return;
	int by_base = strstr(s, "/../") != NULL;
	for (int f = names[id].rhhead; f >= 0; f = rh_next[f]) {
		if (fstamp[f] == cur_stamp)
			continue;
		const char *p = file_path[f];
		size_t pl = strlen(p);
		if (!by_base && (pl < n || memcmp(p + pl - n, s, n) ||
				 (pl > n && p[pl - n - 1] != '/')))
			continue;
		push_header(f);
	}
}

/*
 * Mark (fstamp == cur_stamp) the restricted headers that file's #includes
 * reach through restricted headers. Returns 1 if one on the way, or the
 * file, has an #include MACRO.
 */
static int include_walk(int file)
{
	int macro = (file_flags[file] & FF_MACROINC) != 0;
	nhstack = 0;
	for (int i = 0; i < inc_count[file]; i++)
		push_matches(&incs[inc_first[file] + i]);
	while (nhstack > 0) {
		int h = hstack[--nhstack];
		macro |= (file_flags[h] & FF_MACROINC) != 0;
		for (int i = 0; i < inc_count[h]; i++)
			push_matches(&incs[inc_first[h] + i]);
	}
	return macro;
}

/* Is a restricted definition of name id seen from the current file? */
static int restricted_seen(int id)
{
	for (int r = names[id].rdhead; r >= 0; r = rdnodes[r].next) {
		int h = rdnodes[r].file;
		if ((file_flags[h] & FF_ESCAPED) || fstamp[h] == cur_stamp)
			return 1;
	}
	return 0;
}

/* A definition of a name, of kind KD_*, in the current file. */
static void define_name(int id, int kind, int is_static)
{
	int class = cur_header ? (cur_restricted ? C_RESTR : C_GLOBAL) :
		(kind == KD_FN && !is_static ? C_GLOBAL : C_LOCAL);
	names[id].flags[cur_world] |= NB(kind, class);
	if (class == C_LOCAL)
		local_add(cur_file, id);
	if (class == C_RESTR && !(names[id].rdhead >= 0 && rdnodes[names[id].rdhead].file == cur_file)) {
		if (nrdnodes == caprdnodes) {
			caprdnodes = caprdnodes ? caprdnodes * 2 : 4096;
			rdnodes = xrealloc(rdnodes, caprdnodes * sizeof(*rdnodes));
		}
		rdnodes[nrdnodes] = (struct rdnode){ cur_file, names[id].rdhead };
		names[id].rdhead = nrdnodes++;
	}
}

/* The class bit of a definition in the current file, for names[].calls. */
static int def_class_bit(void)
{
	int class = cur_header ? (cur_restricted ? C_RESTR : C_GLOBAL) : C_LOCAL;
	return cur_world * 3 + class;
}

/* Edges of macro bodies, for "does this macro's expansion call?". */
static int *medges;		/* triples: macro, name, 1 = called / 0 = named */
static size_t nmedges, capmedges;

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
static int arg_plain(int id, int j)
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
static void resolve_param_uses(void)
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

/* Pass 1: what graph mode needs of one #define. */
static void collect_define(const struct mdef *m)
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

/* After pass 1: object-like aliases, templates through macro calls. */
void graph_resolve(void)
{
	resolve_includes();
	resolve_param_uses();
	/* restricted headers that a header under include/ #includes: seen everywhere */
	cur_stamp++;
	for (int f = 0; f < capfiles; f++) {
		const char *p = file_path[f];
		size_t pl = p ? strlen(p) : 0;
		if (!p || pl < 2 || p[pl - 1] != 'h' || (file_flags[f] & FF_RESTR))
			continue;
		nhstack = 0;
		for (int i = 0; i < inc_count[f]; i++)
			push_matches(&incs[inc_first[f] + i]);
		while (nhstack > 0) {
			int h = hstack[--nhstack];
			file_flags[h] |= FF_ESCAPED;
			for (int i = 0; i < inc_count[h]; i++)
				push_matches(&incs[inc_first[h] + i]);
		}
	}
	/*
	 * Which macros expand to a call: one whose body calls a function or a
	 * name that is no macro (assumed a function), or calls or names a
	 * macro that does. A worklist over the edges sorted by name.
	 */
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
	if (getenv("GFPLEX_STATS"))
		fprintf(stderr, "gfplex: names %d (arena %zu), macro edges %zu, templates %d, "
			"forwards %d, comps %d, local pairs %llu, restricted defs %d, "
			"includes %d\n", nnames, narena, ne, ntempls, nfwds, ncomps,
			(unsigned long long)nlset, nrdnodes, nincs);
	free(fwds);
	free(fargs);
	fwds = NULL;
	fargs = NULL;
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
	NL();
}

static void out_edge_tok(const char *kind, int holder, int k, int at)
{
	out_edge(kind, holder, tstr(k), tlen(k), at);
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
	if (b & N_LOCAL) {
		/* this file's, or one of its #include "x.c" group's */
		for (int f = group_find(cur_file); f >= 0; f = gnext[f])
			if (local_has(f, id))
				return 1;
	}
	return (b & N_RESTR) && (cur_all_restr || restricted_seen(id));
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
			out_edge_tok("REF", holder, k, k);
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
	out_edge_tok("REF", holder, k, k);
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
			    parse_define(k, e - 1, &m))
				visit_define(&m);
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

/* Pass 1: an #include directive, tokens [k, e). */
static void collect_include(int k, int e)
{
	if (k + 1 >= e || toks[k + 1].kind != T_STR) {
		if (k + 1 < e && isid(k + 1))
			file_flags[cur_file] |= FF_MACROINC;	/* #include TRACE_INCLUDE(x) */
		return;
	}
	const char *s = tstr(k + 1) + 1;
	int n = tlen(k + 1) - 2;
	if (n <= 0)
		return;
	add_inc(s, n, tstr(k + 1)[0] == '"');
	inc_count[cur_file]++;
	if (n > 2 && s[n - 2] == '.' && s[n - 1] == 'c') {
		/* #include "x.c": x.c and this file see each other's statics */
		file_flags[cur_file] |= FF_INCLUDER;
	}
}

void graph_pass(int pass, int file, const char *path, const char *buf, int len)
{
	static int kw_ready;
	if (!kw_ready) {
		init_keywords();
		kw_ready = 1;
	}
	grow_files(file);
	size_t plen = strlen(path);
	file_path[file] = path;
	cur_file = file;
	cur_world = world_of(path);
	cur_header = plen > 2 && path[plen - 1] == 'h';
	cur_restricted = restricted_header(path, cur_header);
	buf_g = buf;
	lex(buf, len);
	debug = pass == 2 && getenv("GFPLEX_DEBUG");
	dbg_path = path;
	find_functions_graph();
	if (pass == 1) {
		if (!cur_header) {
			int bid = base_id(path, 1);
			c_next[file] = names[bid].chead;
			names[bid].chead = file;
		}
		if (cur_restricted) {
			int bid = base_id(path, 1);
			file_flags[file] |= FF_RESTR;
			rh_next[file] = names[bid].rhhead;
			names[bid].rhhead = file;
		}
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
		inc_first[file] = nincs;
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
	cur_all_restr = 0;
	if (!cur_header) {
		cur_stamp++;
		for (int f = group_find(file); f >= 0; f = gnext[f])
			cur_all_restr |= include_walk(f);
	}
	opath = path;
	records();
}
