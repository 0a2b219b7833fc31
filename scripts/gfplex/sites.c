// SPDX-License-Identifier: GPL-2.0-only
/*
 * gfplex site mode: the S and D records of one lexed file (see gfplex.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gfplex.h"

/* Tokens that end a flag expression (as well as unbalanced brackets). */
static const char *const flag_stop[] = { ",", ";", "{", "}", "?", ":", "=", "|=", "&=",
	"^=", "+=", "-=", "*=", "/=", "%=", "<<=", ">>=", "==", "!=", "&&", "||", "<", ">",
	"<=", ">=", "return", "case", "#", NULL };
static const char *const not_calls[] = { "if", "while", "for", "switch", "return",
	"sizeof", "typeof", "__typeof__", "__typeof", "_Generic", "__builtin_expect",
	"likely", "unlikely", "do", "else", NULL };
static const char *const assign_ops[] = { "=", "|=", "&=", "^=", "+=", "-=", "*=", "/=",
	"%=", "<<=", ">>=", "return", NULL };

static int is_open(int k)
{
	return tok_is(k, "(") || tok_is(k, "[");
}

static int is_close(int k)
{
	return tok_is(k, ")") || tok_is(k, "]");
}

static int same_dir(int a, int b)
{
	return toks[a].dir == toks[b].dir;
}

/* The flag expression around site token s: [*lo, *hi]. */
static void flag_span(int s, int *lo, int *hi)
{
	int depth = 0, k;

	for (k = s - 1; k >= 0 && same_dir(k, s); k--) {
		if (is_close(k))
			depth++;
		else if (is_open(k)) {
			if (depth == 0)
				break;
			depth--;
		} else if (depth == 0 && tok_is_any(k, flag_stop))
			break;
	}
	*lo = k + 1;
	depth = 0;
	for (k = s + 1; k < ntoks && same_dir(k, s); k++) {
		if (is_open(k))
			depth++;
		else if (is_close(k)) {
			if (depth == 0)
				break;
			depth--;
		} else if (depth == 0 && tok_is_any(k, flag_stop))
			break;
	}
	*hi = k - 1;
	/* strip parentheses that enclose the whole expression */
	while (*hi > *lo && tok_is(*lo, "(") && tok_is(*hi, ")")) {
		int d = 0, whole = 1;
		for (k = *lo; k <= *hi; k++) {
			if (is_open(k))
				d++;
			else if (is_close(k) && --d == 0 && k != *hi) {
				whole = 0;
				break;
			}
		}
		if (!whole)
			break;
		(*lo)++;
		(*hi)--;
	}
}

/*
 * The call that receives the flag expression starting at token lo, as a
 * token index of its name (the last token of the callee), or -1 when the
 * flags are assigned, returned or initialised.
 */
static int enclosing_call(int lo)
{
	int depth = 0;

	for (int k = lo - 1; k >= 0 && same_dir(k, lo); k--) {
		if (is_close(k)) {
			depth++;
			continue;
		}
		if (is_open(k)) {
			if (depth > 0) {
				depth--;
				continue;
			}
			if (tok_is(k, "["))
				return -1;
			/* the name a #define defines is not a call */
			if (k > 1 && tok_is(k - 2, "define") && toks[k - 2].dir == toks[k].dir &&
			    toks[k].dir)
				return -1;
			/* an unmatched '(': a call if a callee name precedes it */
			if (k > 0 && same_dir(k - 1, k) && toks[k - 1].kind == T_IDENT &&
			    !tok_is_any(k - 1, not_calls))
				return k - 1;
			if (k > 0 && tok_is_any(k - 1, not_calls) && !tok_is(k - 1, "sizeof") &&
			    !tok_is(k - 1, "likely") && !tok_is(k - 1, "unlikely"))
				return -1;
			continue;	/* grouping or cast parentheses: look further out */
		}
		if (depth > 0)
			continue;
		if (tok_is(k, ";") || tok_is(k, "{") || tok_is(k, "}") || tok_is(k, "case"))
			return -1;
		if (tok_is_any(k, assign_ops))
			return -1;
	}
	return -1;
}

/* The callee text: the name, with a member access chain before it. */
static void print_callee(int k)
{
	int lo = k;
	while (lo >= 2 && (tok_is(lo - 1, "->") || tok_is(lo - 1, ".")) &&
	       toks[lo - 2].kind == T_IDENT)
		lo -= 2;
	fwrite(buf_g + toks[lo].start, 1, toks[k].end - toks[lo].start, stdout);
}

static void print_span_collapsed(int lo, int hi)
{
	for (int k = lo; k <= hi; k++) {
		if (k > lo && toks[k].start > toks[k - 1].end)
			putchar(' ');
		fwrite(buf_g + toks[k].start, 1, toks[k].end - toks[k].start, stdout);
	}
}

/* The function enclosing each token, -1 if none: graph mode's walk (graph_functions). */
static const int *func_of;

static int is_site(int k)
{
	return toks[k].kind == T_IDENT && (tok_is(k, "GFP_NOFS") || tok_is(k, "GFP_NOIO"));
}

static void print_tok(int k)
{
	fwrite(buf_g + toks[k].start, 1, toks[k].end - toks[k].start, stdout);
}

/* --batch --kernel: also list GFP_KERNEL uses, as K records (gfpscope diff) */
int report_kernel;

void report(const char *path, const char *buf)
{
	buf_g = buf;
	func_of = graph_functions(buf);
	for (int k = 0; k < ntoks; k++) {
		const char *rec = "S";
		if (report_kernel && toks[k].kind == T_IDENT && tok_is(k, "GFP_KERNEL") && !toks[k].dir)
			rec = "K";
		else if (!is_site(k))
			continue;
		int d = toks[k].dir;
		if (d && !strcmp(dirs[d].name, "define") && k >= 1 && tok_is(k - 1, "define") &&
		    toks[k - 1].dir == d) {
			printf("D\t%s\t%d\t%d\t", path, toks[k].line, toks[k].col);
			print_tok(k);
			putchar('\n');
			continue;
		}
		if (d && strcmp(dirs[d].name, "define")) {
			/* in #if/#ifdef/#undef...: not a use of the flags */
			printf("D\t%s\t%d\t%d\t", path, toks[k].line, toks[k].col);
			print_tok(k);
			putchar('\n');
			continue;
		}
		int lo, hi;
		flag_span(k, &lo, &hi);
		int call = enclosing_call(lo);
		const char *ctx = toks[k].if0 ? "if0" : (d ? "macro" : "code");
		printf("%s\t%s\t%d\t%d\t", rec, path, toks[k].line, toks[k].col);
		print_tok(k);
		printf("\t%s\t", ctx);
		if (call >= 0)
			print_callee(call);
		else
			putchar('-');
		putchar('\t');
		print_span_collapsed(lo, hi);
		putchar('\t');
		if (func_of[k] >= 0)
			print_tok(func_of[k]);
		else
			putchar('-');
		printf("\t%s\n", d ? dirs[d].macro : "-");
	}
}

