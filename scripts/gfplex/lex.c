// SPDX-License-Identifier: GPL-2.0-only
/*
 * gfplex's lexer: comments, string and character literals, line splices,
 * preprocessor directives and #if 0 regions, exactly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gfplex.h"

struct tok *toks;
int ntoks;
static int captoks;
struct directive *dirs;
int ndirs;
static int capdirs;
const char *buf_g;

void die(const char *msg)
{
	fprintf(stderr, "gfplex: %s\n", msg);
	exit(2);
}

static void push_tok(struct tok t)
{
	if (ntoks == captoks) {
		captoks = captoks ? captoks * 2 : 4096;
		toks = realloc(toks, sizeof(*toks) * captoks);
		if (!toks)
			die("out of memory");
	}
	toks[ntoks++] = t;
}

static int push_dir(void)
{
	if (ndirs + 1 >= capdirs) {
		capdirs = capdirs ? capdirs * 2 : 256;
		dirs = realloc(dirs, sizeof(*dirs) * capdirs);
		if (!dirs)
			die("out of memory");
	}
	ndirs++;
	memset(&dirs[ndirs], 0, sizeof(dirs[ndirs]));
	return ndirs;
}

/* Character classes: 1 = may start an identifier, 2 = may continue one. */
static unsigned char cclass[256];

static void init_cclass(void)
{
	for (int c = 0; c < 256; c++) {
		int id0 = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
		cclass[c] = (id0 ? 1 : 0) | (id0 || (c >= '0' && c <= '9') ? 2 : 0);
	}
}

static inline int is_id0(int c)
{
	return cclass[(unsigned char)c] & 1;
}

static inline int is_id(int c)
{
	return cclass[(unsigned char)c] & 2;
}

/*
 * The length of the punctuator at buf[i]: the 3-character ones "<<=" ">>="
 * "...", the 2-character ones "->" "++" "--" "<<" ">>" "<=" ">=" "==" "!="
 * "&&" "||" "*=" "/=" "%=" "+=" "-=" "&=" "^=" "|=" "##", else 1.
 */
static int punct_len(const char *buf, int i, int len)
{
	char d = i + 1 < len ? buf[i + 1] : 0;
	char e = i + 2 < len ? buf[i + 2] : 0;

	switch (buf[i]) {
	case '<':
	case '>':
		if (d == buf[i])
			return e == '=' ? 3 : 2;
		return d == '=' ? 2 : 1;
	case '.':
		return d == '.' && e == '.' ? 3 : 1;
	case '-':
		return d == '>' || d == '-' || d == '=' ? 2 : 1;
	case '+':
	case '&':
	case '|':
		return d == buf[i] || d == '=' ? 2 : 1;
	case '=':
	case '!':
	case '*':
	case '/':
	case '%':
	case '^':
		return d == '=' ? 2 : 1;
	case '#':
		return d == '#' ? 2 : 1;
	}
	return 1;
}

/* Conditional-compilation state: a stack, one entry per open #if. */
#define MAXIF 256
static int ifstack[MAXIF];	/* 1 = this branch is dead, 2 = #if 1 (its #else is dead) */
static int ifdepth;

static int dead(void)
{
	for (int i = 0; i < ifdepth && i < MAXIF; i++)
		if (ifstack[i] == 1)
			return 1;
	return 0;
}

/* The text of a directive's condition, comments already removed. */
static int cond_is(const char *s, const char *want)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(want);
	if (strncmp(s, want, n))
		return 0;
	s += n;
	while (*s == ' ' || *s == '\t' || *s == '\r')
		s++;
	return *s == 0;
}

/*
 * Lex buf[0..len) into toks[]. Splices (backslash-newline) are treated as
 * whitespace except that they keep a directive or a // comment going.
 */
void lex(const char *buf, int len)
{
	int i = 0, line = 1, linestart = 0;
	int bol = 1;		/* only whitespace so far on this logical line */
	int cur_dir = 0;	/* directive being lexed, 0 if none */
	int dir_ntok = 0;	/* tokens seen in the current directive */
	char condbuf[64];
	int condlen = 0, cond_overflow = 0;

	if (!cclass['a'])
		init_cclass();
	ntoks = 0;
	ndirs = 0;
	ifdepth = 0;
	while (i < len) {
		char c = buf[i];

		if (c == '\\' && i + 1 < len && (buf[i + 1] == '\n' ||
		    (buf[i + 1] == '\r' && i + 2 < len && buf[i + 2] == '\n'))) {
			i += buf[i + 1] == '\n' ? 2 : 3;
			line++;
			linestart = i;
			continue;
		}
		if (c == '\n') {
			if (cur_dir) {
				/* end of a directive: act on conditionals */
				struct directive *d = &dirs[cur_dir];
				condbuf[condlen] = 0;
				if (!strcmp(d->name, "if") || !strcmp(d->name, "ifdef") ||
				    !strcmp(d->name, "ifndef")) {
					int isdead = !strcmp(d->name, "if") && !cond_overflow &&
						cond_is(condbuf, "0");
					int istrue = !strcmp(d->name, "if") && !cond_overflow &&
						cond_is(condbuf, "1");
					if (ifdepth < MAXIF)
						ifstack[ifdepth] = isdead ? 1 : (istrue ? 2 : 0);
					ifdepth++;
				} else if (!strcmp(d->name, "else")) {
					if (ifdepth > 0 && ifdepth <= MAXIF)
						ifstack[ifdepth - 1] = ifstack[ifdepth - 1] == 2 ? 1 : 0;
				} else if (!strcmp(d->name, "elif")) {
					if (ifdepth > 0 && ifdepth <= MAXIF)
						ifstack[ifdepth - 1] = ifstack[ifdepth - 1] == 2 ? 1 : 0;
				} else if (!strcmp(d->name, "endif")) {
					if (ifdepth > 0)
						ifdepth--;
				}
				cur_dir = 0;
			}
			i++;
			line++;
			linestart = i;
			bol = 1;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
			if (cur_dir && dir_ntok >= 1 && condlen < (int)sizeof(condbuf) - 1)
				condbuf[condlen++] = ' ';
			i++;
			continue;
		}
		if (c == '/' && i + 1 < len && buf[i + 1] == '*') {
			i += 2;
			while (i < len && !(buf[i] == '*' && i + 1 < len && buf[i + 1] == '/')) {
				if (buf[i] == '\n') {
					line++;
					linestart = i + 1;
				}
				i++;
			}
			i = i + 2 > len ? len : i + 2;
			if (cur_dir && condlen < (int)sizeof(condbuf) - 1)
				condbuf[condlen++] = ' ';
			continue;
		}
		if (c == '/' && i + 1 < len && buf[i + 1] == '/') {
			/* to end of line; a splice continues the comment */
			while (i < len && buf[i] != '\n') {
				if (buf[i] == '\\' && i + 1 < len && buf[i + 1] == '\n') {
					i += 2;
					line++;
					linestart = i;
					continue;
				}
				i++;
			}
			continue;
		}
		if (c == '#' && bol && !cur_dir) {
			cur_dir = push_dir();
			dir_ntok = 0;
			condlen = 0;
			cond_overflow = 0;
			i++;
			bol = 0;
			continue;
		}
		bol = 0;

		struct tok t = { .start = i, .line = line, .col = i - linestart,
				 .dir = cur_dir, .if0 = dead() };
		if (is_id0(c)) {
			while (i < len && is_id(buf[i]))
				i++;
			t.kind = T_IDENT;
		} else if ((c >= '0' && c <= '9') || (c == '.' && i + 1 < len &&
			   buf[i + 1] >= '0' && buf[i + 1] <= '9')) {
			/* pp-number */
			i++;
			while (i < len && (is_id(buf[i]) || buf[i] == '.' ||
			       ((buf[i] == '+' || buf[i] == '-') &&
				strchr("eEpP", buf[i - 1]))))
				i++;
			t.kind = T_NUM;
		} else if (c == '"' || c == '\'' ||
			   (c == '<' && cur_dir && !strcmp(dirs[cur_dir].name, "include"))) {
			char close = c == '<' ? '>' : c;
			i++;
			while (i < len && buf[i] != close && buf[i] != '\n') {
				if (buf[i] == '\\' && i + 1 < len) {
					if (buf[i + 1] == '\n') {
						line++;
						linestart = i + 2;
					}
					i++;
				}
				i++;
			}
			if (i < len && buf[i] == close)
				i++;
			t.kind = T_STR;
		} else {
			i += punct_len(buf, i, len);
			t.kind = T_PUNCT;
		}
		t.end = i;

		if (cur_dir) {
			struct directive *d = &dirs[cur_dir];
			int n = t.end - t.start;
			if (dir_ntok == 0 && t.kind == T_IDENT && n < (int)sizeof(d->name)) {
				memcpy(d->name, buf + t.start, n);
				d->name[n] = 0;
			} else if (dir_ntok == 1 && !strcmp(d->name, "define") &&
				   t.kind == T_IDENT && n < (int)sizeof(d->macro)) {
				memcpy(d->macro, buf + t.start, n);
				d->macro[n] = 0;
			}
			if (dir_ntok >= 1) {
				if (condlen + n < (int)sizeof(condbuf) - 1) {
					memcpy(condbuf + condlen, buf + t.start, n);
					condlen += n;
				} else {
					cond_overflow = 1;
				}
			}
			dir_ntok++;
		}
		push_tok(t);
	}
}

int tok_is(int k, const char *s)
{
	if (k < 0 || k >= ntoks)
		return 0;
	int n = toks[k].end - toks[k].start;
	return (int)strlen(s) == n && !strncmp(buf_g + toks[k].start, s, n);
}

int tok_is_any(int k, const char *const *set)
{
	for (int i = 0; set[i]; i++)
		if (tok_is(k, set[i]))
			return 1;
	return 0;
}

