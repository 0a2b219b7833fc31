/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * gfplex --graph: what the files of graph mode share. graph.c (the two
 * passes and the records, documented there), graph_names.c (the name and
 * keyword tables), graph_visible.c (who sees a definition), graph_funcs.c
 * (function headers and bodies), graph_macros.c (#defines: calling macros,
 * argument use), graph_templates.c (## templates).
 */
#ifndef GRAPH_H
#define GRAPH_H

#include <stdint.h>
#include <stddef.h>
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
#define N_SAVEBODY	(1u << 10)	/* (flags[0]) a #define of it names a memalloc_*_save: DEFINE records */
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

/* graph_names.c: the name table, names[0..nnames), and the keyword table. */
extern struct name *names;
extern int nnames;
extern size_t narena;		/* bytes of name text, for GFPLEX_STATS */

void *xrealloc(void *p, size_t n);
int name_id(const char *s, int n, uint32_t h, int add);	/* the id of a name, -1 */

static inline uint32_t hash_str(const char *s, int n)
{
	uint32_t h = 2166136261u;
	for (int i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static inline const char *tstr(int k)
{
	return buf_g + toks[k].start;
}

static inline int tlen(int k)
{
	return toks[k].end - toks[k].start;
}

static inline int tok_id(int k, int add)
{
	return name_id(tstr(k), tlen(k), hash_str(tstr(k), tlen(k)), add);
}

/* ------------------------------------------------------------- keywords */

#define K_KW	0x01	/* a keyword: never a CALL or a REF */
#define K_TYPE	0x02	/* a declaration word: a name after it is declared */
#define K_ATTR	0x04	/* __attribute__ / asm: no CALL inside its parentheses */
#define K_STMT	0x08	/* if/while/for/switch: "(...)" after it is no call */

void init_keywords(void);
int kw_of(const char *s, int n, uint32_t h);

/* ------------------------------------------------------- token helpers */

/* Per-token facts of the current file. */
#define F_DEFNAME	0x01	/* the name in a definition header */
#define F_EXPORTARG	0x02	/* the argument of EXPORT_SYMBOL*: no REF */
#define F_INBRACE	0x04	/* code inside braces (a body or an initializer) */

/* graph_funcs.c: per-token arrays of the current file (find_functions_graph). */
extern int *func_of;		/* code token -> name token of its function, -1 */
extern unsigned char *tflag;
extern int *kwf;		/* keyword flags of each identifier, -1 = not computed */

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

static inline int kwflags(int k)
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
extern int cx_macro, cx_lo, cx_hi;

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

int match_back(int k);	/* the "(" or "[" matching the ")" or "]" at k, in the context */

/* graph_funcs.c: the function definitions of the current file. */
struct fn {
	int name, open, close;	/* tokens: the name, the body's "{" and "}" */
	int start_line, is_static, is_inline;
	int macro_made;		/* SYSCALL_DEFINE1(name, ...): named after the macro */
};

extern struct fn *fns;
extern int nfns;
extern int debug;		/* GFPLEX_DEBUG: brace troubles on stderr */
extern const char *dbg_path;
/*
 * The first thing that made the walk's braces or #if groups not balance in the
 * current file ("'}' at depth 0", "#endif without #if", ...), NULL when they
 * balance, and its line (0 at the end of the file).
 */
extern const char *walk_trouble;
extern int walk_trouble_line;

void find_functions_graph(void);

/* graph_macros.c: #defines. */
#define MAXPARAMS 128

struct mdef {
	int name;		/* token of the macro's name */
	int is_func, variadic;
	int named_va;		/* args...: the index of args, -1 */
	int params[MAXPARAMS];	/* parameter name tokens */
	int nparams;
	int lo, hi;		/* the body, tokens [lo, hi] */
};

int parse_define(int k0, int k1, struct mdef *m);
int param_index(const struct mdef *m, int k);
void collect_define(const struct mdef *m);	/* pass 1 */
int arg_plain(int id, int j);
void resolve_param_uses(void);	/* after pass 1 */
void resolve_macro_calls(void);	/* after pass 1: names[].calls */
extern size_t nmedges;		/* for GFPLEX_STATS */

/* graph_templates.c: ## templates, the list of each macro at names[].thead. */
/* A piece of a pasted name: a parameter (param >= 0) or literal text. */
struct comp {
	int param;
	uint32_t off, len;	/* literal: lits[off .. off+len) */
};

struct templ {
	int macro, cfirst, ccount, is_call, next;
};

extern struct comp *comps;
extern struct templ *templs;
extern char *lits;
extern int ncomps, ntempls, nfwds;	/* for GFPLEX_STATS */

void collect_templates(const struct mdef *m, int id);	/* pass 1, of collect_define */
void resolve_templates(void);	/* after pass 1 */

/* graph_visible.c: the file being read, who sees a definition. */
extern int cur_world, cur_header;	/* of the file being read */
extern uint64_t nlset;		/* for GFPLEX_STATS */
extern int nrdnodes, nincs;	/* for GFPLEX_STATS */

void visible_enter(int file, const char *path);	/* both passes, each file */
void visible_collect(int file, const char *path);	/* pass 1 */
void visible_scope(int file);	/* pass 2: which restricted headers it sees */
void collect_include(int k, int e);	/* pass 1: an #include, tokens [k, e) */
void define_name(int id, int kind, int is_static);
int def_class_bit(void);
void resolve_includes(void);	/* after pass 1 */
void resolve_escaped(void);	/* after pass 1 */
int visible_here(int id, unsigned b);

#endif
