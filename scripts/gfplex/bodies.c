// SPDX-License-Identifier: GPL-2.0-only
/*
 * gfplex --bodies: the body of each function definition of one lexed file,
 * as graph mode sees it (graph_funcs.c's walk: braces counted per #if branch,
 * attributes after the header skipped, names made by a macro, a header
 * written twice in #if branches), for the driver's masking
 * (scripts/gfpscope_lib/collect/masking.py). Records, TAB-separated:
 *
 *   B path open close open_line close_line name pp
 *	a body: open and close are the byte offsets of its "{" and of the "}"
 *	that closes it, open_line and close_line their lines (1-based), name
 *	the function's name as FN records give it. One
 *	record per FN record, in the same order: two headers in #if branches
 *	give two records with the same close (their ranges overlap). pp says
 *	which preprocessor directives lie between the braces:
 *	  -       none;
 *	  if      only #if/#ifdef/#ifndef/#elif/#else/#endif, every group
 *	          opened and closed inside the body;
 *	  define  a #define or #undef (and the conditionals balance);
 *	  other   another directive (#include, #pragma, #error, a line
 *	          marker; the conditionals balance);
 *	  cross   a conditional whose group is not wholly inside the body
 *	          (an #else or #endif of a group opened before the "{", or an
 *	          #if not closed before the "}").
 *   U path line why
 *	the walk's braces or #if groups do not balance in this file (a "}"
 *	at depth 0, a "{" or an #if not closed at the end, an #endif without
 *	#if): no B record is printed for it. line is 0 for the end of the file.
 *
 * A body is only what the walk takes for one: K&R definitions and bodies
 * whose header it does not recognise give no record, and neither does a
 * brace initializer (= { ... }, define_machine(x) { .name = ... }).
 */
#include <stdio.h>
#include <string.h>

#include "graph.h"

/* The directives between tokens open and close (exclusive), as the pp field. */
static const char *body_pp(int open, int close)
{
	int level = 0, cross = 0, define = 0, other = 0, cond = 0;

	for (int k = open + 1; k < close; k++) {
		if (!toks[k].dir || toks[k - 1].dir == toks[k].dir)
			continue;	/* not the first token of a directive */
		const char *d = dirs[toks[k].dir].name;
		if (!strcmp(d, "if") || !strcmp(d, "ifdef") || !strcmp(d, "ifndef")) {
			level++;
			cond = 1;
		} else if (!strcmp(d, "else") || !strcmp(d, "elif") ||
			   !strcmp(d, "elifdef") || !strcmp(d, "elifndef")) {
			cross |= level == 0;
			cond = 1;
		} else if (!strcmp(d, "endif")) {
			if (level == 0)
				cross = 1;
			else
				level--;
			cond = 1;
		} else if (!strcmp(d, "define") || !strcmp(d, "undef")) {
			define = 1;
		} else {
			other = 1;
		}
	}
	if (cross || level)
		return "cross";
	if (define)
		return "define";
	if (other)
		return "other";
	return cond ? "if" : "-";
}

/* The B records, or the U record, of the file just lexed into toks[]. */
void report_bodies(const char *path, const char *buf)
{
	graph_functions(buf);
	if (walk_trouble) {
		printf("U\t%s\t%d\t%s\n", path, walk_trouble_line, walk_trouble);
		return;
	}
	for (int i = 0; i < nfns; i++) {
		const struct fn *f = &fns[i];
		if (f->open < 0 || f->close <= f->open || !ispc(f->open, '{') ||
		    !ispc(f->close, '}')) {
			/* cannot happen when the walk balances; say so rather than guess */
			printf("U\t%s\t%d\ta body not closed by a brace\n", path,
			       toks[f->name].line);
			return;
		}
	}
	for (int i = 0; i < nfns; i++) {
		const struct fn *f = &fns[i];
		printf("B\t%s\t%d\t%d\t%d\t%d\t%.*s\t%s\n", path, toks[f->open].start,
		       toks[f->close].start, toks[f->open].line, toks[f->close].line,
		       tlen(f->name), tstr(f->name), body_pp(f->open, f->close));
	}
}
