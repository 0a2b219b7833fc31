// SPDX-License-Identifier: GPL-2.0-only
/*
 * gfplex - list every GFP_NOFS / GFP_NOIO token in C code, exactly.
 *
 * This is the census's source of truth for "which sites exist". spatch
 * analyses the sites afterwards, but a site spatch cannot parse must still
 * be counted, so the enumeration cannot depend on spatch.  A real C lexer
 * (comments, string and character literals, line splices, preprocessor
 * directives) is needed: grep would count comments and strings.
 *
 * Usage: gfplex ROOT [PATH...]
 *   PATHs are files or directories relative to ROOT (default: ".").
 *   Directories are walked for *.c and *.h (".git" is skipped).
 *   With no PATH and "-" as the only PATH, paths are read from stdin,
 *   one per line.
 *
 * Output, one record per line, fields separated by TAB:
 *   S path line col token ctx call flags function macro
 *       a site. line is 1-based, col is the 0-based byte column (the
 *       convention of spatch's positions). ctx is "code", "macro" (inside
 *       a #define body) or "if0" (inside #if 0 / the #else of #if 1).
 *       call is the function or macro that receives the flags, "-" when
 *       the flags are assigned, returned or initialised. flags is the
 *       flag expression as written, whitespace collapsed. function is a
 *       lexical guess at the enclosing function ("-" at file scope), and
 *       macro the #define that holds the site ("-" if none).
 *   D path line col token
 *       a "#define GFP_NOFS" definition: excluded from the count.
 *   E path message
 *       a file that could not be read.
 *   F files_seen files_lexed
 *       the last line: how many files were looked at and lexed.
 *
 * Exit status: 0 on success (even with E records), 2 on usage error.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

static struct tok *toks;
static int ntoks, captoks;
static struct directive *dirs;
static int ndirs, capdirs;
static long files_seen, files_lexed;

static void die(const char *msg)
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

static int is_id0(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
}

static int is_id(int c)
{
	return is_id0(c) || (c >= '0' && c <= '9');
}

static const char *puncts3[] = { "<<=", ">>=", "...", NULL };
static const char *puncts2[] = { "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=",
	"&&", "||", "*=", "/=", "%=", "+=", "-=", "&=", "^=", "|=", "##", NULL };

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
static void lex(const char *buf, int len)
{
	int i = 0, line = 1, linestart = 0;
	int bol = 1;		/* only whitespace so far on this logical line */
	int cur_dir = 0;	/* directive being lexed, 0 if none */
	int dir_ntok = 0;	/* tokens seen in the current directive */
	char condbuf[64];
	int condlen = 0, cond_overflow = 0;

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
			int n = 1;
			for (int k = 0; puncts3[k]; k++)
				if (i + 3 <= len && !strncmp(buf + i, puncts3[k], 3))
					n = 3;
			if (n == 1)
				for (int k = 0; puncts2[k]; k++)
					if (i + 2 <= len && !strncmp(buf + i, puncts2[k], 2))
						n = 2;
			i += n;
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

static const char *buf_g;

static int tok_is(int k, const char *s)
{
	if (k < 0 || k >= ntoks)
		return 0;
	int n = toks[k].end - toks[k].start;
	return (int)strlen(s) == n && !strncmp(buf_g + toks[k].start, s, n);
}

static int tok_is_any(int k, const char *const *set)
{
	for (int i = 0; set[i]; i++)
		if (tok_is(k, set[i]))
			return 1;
	return 0;
}

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

/* Lexical guess at the function enclosing each token; -1 if none. */
static int *func_of;

static int attr_like(int k)
{
	/* __acquires(x), __releases(x), __must_hold(x), __attribute__((...)) */
	int n = toks[k].end - toks[k].start;
	return n > 2 && buf_g[toks[k].start] == '_' && buf_g[toks[k].start + 1] == '_';
}

static void find_functions(void)
{
	int depth = 0, cur = -1;

	func_of = realloc(func_of, sizeof(int) * (ntoks ? ntoks : 1));
	if (!func_of)
		die("out of memory");
	for (int k = 0; k < ntoks; k++) {
		if (toks[k].dir) {
			func_of[k] = -1;
			continue;
		}
		if (tok_is(k, "{")) {
			if (depth == 0) {
				cur = -1;
				int j = k - 1;
				/* skip trailing attribute macros */
				for (;;) {
					if (j < 0 || !tok_is(j, ")"))
						break;
					int d = 0, m;
					for (m = j; m >= 0; m--) {
						if (toks[m].dir)
							continue;
						if (tok_is(m, ")"))
							d++;
						else if (tok_is(m, "(") && --d == 0)
							break;
					}
					if (m > 0 && toks[m - 1].kind == T_IDENT) {
						if (attr_like(m - 1) && m >= 2 && tok_is(m - 2, ")")) {
							j = m - 2;
							continue;
						}
						cur = m - 1;
					}
					break;
				}
			}
			depth++;
		} else if (tok_is(k, "}")) {
			if (depth > 0)
				depth--;
			if (depth == 0) {
				func_of[k] = cur;
				cur = -1;
				continue;
			}
		}
		func_of[k] = depth > 0 ? cur : -1;
	}
}

static int is_site(int k)
{
	return toks[k].kind == T_IDENT && (tok_is(k, "GFP_NOFS") || tok_is(k, "GFP_NOIO"));
}

static void print_tok(int k)
{
	fwrite(buf_g + toks[k].start, 1, toks[k].end - toks[k].start, stdout);
}

static void report(const char *path, const char *buf)
{
	buf_g = buf;
	find_functions();
	for (int k = 0; k < ntoks; k++) {
		if (!is_site(k))
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
		printf("S\t%s\t%d\t%d\t", path, toks[k].line, toks[k].col);
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

static void do_file(const char *root, const char *path)
{
	char full[8192];
	files_seen++;
	if (snprintf(full, sizeof(full), "%s/%s", root, path) >= (int)sizeof(full)) {
		printf("E\t%s\tpath too long\n", path);
		return;
	}
	int fd = open(full, O_RDONLY);
	if (fd < 0) {
		printf("E\t%s\t%s\n", path, strerror(errno));
		return;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		printf("E\t%s\t%s\n", path, "not a regular file");
		close(fd);
		return;
	}
	char *buf = malloc(st.st_size + 1);
	if (!buf)
		die("out of memory");
	ssize_t got = 0;
	while (got < st.st_size) {
		ssize_t r = read(fd, buf + got, st.st_size - got);
		if (r < 0) {
			printf("E\t%s\t%s\n", path, strerror(errno));
			free(buf);
			close(fd);
			return;
		}
		if (r == 0)
			break;
		got += r;
	}
	close(fd);
	buf[got] = 0;
	/* Cheap prefilter: only files that mention the flags are lexed. */
	if (memmem(buf, got, "GFP_NO", 6)) {
		files_lexed++;
		lex(buf, (int)got);
		report(path, buf);
	}
	free(buf);
}

static int wanted(const char *name)
{
	size_t n = strlen(name);
	return n > 2 && name[n - 2] == '.' && (name[n - 1] == 'c' || name[n - 1] == 'h');
}

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk(const char *root, const char *rel)
{
	char full[8192];
	if (snprintf(full, sizeof(full), "%s/%s", root, rel) >= (int)sizeof(full)) {
		printf("E\t%s\tpath too long\n", rel);
		return;
	}
	DIR *d = opendir(full);
	if (!d) {
		printf("E\t%s\t%s\n", rel, strerror(errno));
		return;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    !strcmp(e->d_name, ".git"))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			names = realloc(names, cap * sizeof(*names));
		}
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmpstr);
	for (size_t i = 0; i < n; i++) {
		char sub[4096], subfull[8192];
		int n1 = !strcmp(rel, ".") ?
			snprintf(sub, sizeof(sub), "%s", names[i]) :
			snprintf(sub, sizeof(sub), "%s/%s", rel, names[i]);
		int n2 = snprintf(subfull, sizeof(subfull), "%s/%s", root, sub);
		struct stat st;
		if (n1 >= (int)sizeof(sub) || n2 >= (int)sizeof(subfull)) {
			printf("E\t%s\tpath too long\n", names[i]);
		} else if (lstat(subfull, &st) == 0) {
			if (S_ISDIR(st.st_mode))
				walk(root, sub);
			else if (S_ISREG(st.st_mode) && wanted(names[i]))
				do_file(root, sub);
		}
		free(names[i]);
	}
	free(names);
}

static void do_path(const char *root, const char *rel)
{
	char full[8192];
	struct stat st;
	if (snprintf(full, sizeof(full), "%s/%s", root, rel) >= (int)sizeof(full)) {
		printf("E\t%s\tpath too long\n", rel);
		return;
	}
	if (stat(full, &st) < 0) {
		printf("E\t%s\t%s\n", rel, strerror(errno));
		return;
	}
	if (S_ISDIR(st.st_mode))
		walk(root, rel);
	else
		do_file(root, rel);
}

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fprintf(stderr, "usage: gfplex ROOT [PATH...|-]\n");
		return 2;
	}
	const char *root = argv[1];
	struct stat st;
	if (stat(root, &st) < 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "gfplex: %s: not a directory\n", root);
		return 2;
	}
	if (argc == 2) {
		do_path(root, ".");
	} else if (argc == 3 && !strcmp(argv[2], "-")) {
		char *line = NULL;
		size_t cap = 0;
		ssize_t n;
		while ((n = getline(&line, &cap, stdin)) > 0) {
			while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
				line[--n] = 0;
			if (n)
				do_path(root, line);
		}
		free(line);
	} else {
		for (int i = 2; i < argc; i++)
			do_path(root, argv[i]);
	}
	printf("F\t%ld\t%ld\n", files_seen, files_lexed);
	return 0;
}
