/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * gfplex: what the lexer (lex.c), the modes (sites.c; bodies.c; graph.c and
 * the graph_*.c files, see graph.h) and the driver (gfplex.c) share.
 */
#ifndef GFPLEX_H
#define GFPLEX_H

enum tkind { T_IDENT, T_NUM, T_STR, T_PUNCT };

struct tok {
	enum tkind kind;
	int start, end;		/* byte offsets in the buffer */
	int line, col;
	int dir;		/* directive number this token belongs to, 0 if none */
	int if0;		/* inside a dead #if 0 region */
};

struct directive {
	char name[16];		/* define, if, include, ... */
	char macro[128];	/* for #define: the macro's name */
};

/* lex.c: the tokens of the current file. dirs[1..ndirs] are its directives. */
extern struct tok *toks;
extern int ntoks;
extern struct directive *dirs;
extern int ndirs;
extern const char *buf_g;	/* the buffer the tokens point into */

void die(const char *msg);
void lex(const char *buf, int len);
int tok_is(int k, const char *s);
int tok_is_any(int k, const char *const *set);

/* sites.c: site mode, the S and D records of one lexed file. */
void report(const char *path, const char *buf);
extern int report_kernel;	/* also K records for GFP_KERNEL (--batch --kernel) */

/* bodies.c: --bodies mode, the B (or U) records of one lexed file. */
void report_bodies(const char *path, const char *buf);

/* graph.c: graph mode. */
void graph_pass(int pass, int file, const char *path, const char *buf, int len);
void graph_resolve(void);
/* graph_funcs.c: per token of the lexed file, its function's name token, -1. */
const int *graph_functions(const char *buf);

#endif
