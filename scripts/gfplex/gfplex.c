// SPDX-License-Identifier: GPL-2.0-only
/*
 * gfplex - list every GFP_NOFS / GFP_NOIO token in C code, exactly; and,
 * with --graph, a lexical call graph of a whole kernel tree.
 *
 * This is the census's source of truth for "which sites exist". spatch
 * analyses the sites afterwards, but a site spatch cannot parse must still
 * be counted, so the enumeration cannot depend on spatch.  A real C lexer
 * (comments, string and character literals, line splices, preprocessor
 * directives) is needed: grep would count comments and strings.
 *
 * Sources: gfplex.c (this driver), lex.c (the lexer), sites.c (site mode),
 * bodies.c (--bodies), gfplex.h (what they share); graph mode: graph.c (the two passes and the
 * records, documented there), graph_names.c (name and keyword tables),
 * graph_visible.c (who sees a definition), graph_funcs.c (function headers
 * and bodies, site mode's too), graph_macros.c (#defines: calling macros,
 * argument use), graph_templates.c (## templates), graph.h (what they share).
 *
 * Usage: gfplex ROOT [PATH...]
 *        gfplex --graph ROOT [PATH...]
 *        gfplex --bodies ROOT [PATH...]
 *        gfplex --batch [--kernel]
 *        gfplex --bodies --batch
 *   PATHs are files or directories relative to ROOT (default: ".").
 *   Directories are walked for *.c and *.h (".git" is skipped).
 *   With no PATH and "-" as the only PATH, paths are read from stdin,
 *   one per line.
 *
 * Output of site mode, one record per line, fields separated by TAB:
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
 * With --batch, site mode reads blobs from stdin in the output format of
 * `git cat-file --batch` ("OID TYPE SIZE", LF, SIZE bytes, LF; or "OID
 * missing") instead of files, so that gfpscope history lexes a revision
 * straight from git's objects without checking it out. The path field of
 * each S, D and E record is then the blob's OID; F counts the blobs and
 * adds a third field, the bytes read.
 * --kernel adds K records, laid out as S records, for each GFP_KERNEL in
 * code outside #define bodies (gfpscope diff uses them to tell a site that
 * was converted from one that was removed).
 *
 * Graph mode prints FN, MACRO, CALL, ICALL, REF, EXPORT and DEFINE records (see
 * graph.c), E records, and the same final F line; every file is lexed.
 *
 * --bodies prints, for every file, the byte range of each function body
 * that graph mode's walk finds (B records), or a U record when the walk's
 * braces do not balance (see bodies.c), E records and the F line; every
 * file is lexed. --bodies --batch reads `git cat-file --batch` output as
 * --batch does (the driver streams the copies of files it masks, named by
 * any word without blanks in place of the OID); F then has the bytes too.
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

#include "gfplex.h"

static long files_seen, files_lexed;

/* Site mode: lex and report one file that mentions the flags. */
static void do_file(const char *root, const char *path)
{
	char full[8192];
	files_seen++;
	if (snprintf(full, sizeof(full), "%s/%s", root, path) >= (int)sizeof(full)) {
		printf("E\t%s\tpath too long\n", path);
		return;
	}
	/* O_NONBLOCK: a FIFO (or a device) named as a PATH opens at once and
	 * is refused as not a regular file below, instead of blocking forever */
	int fd = open(full, O_RDONLY | O_NONBLOCK);
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

/* --bodies: lex one file whatever it holds, print its bodies. */
static void bodies_file(const char *root, const char *path);

/* Graph mode: the files to lex, collected first, then lexed twice. */
static char **gpaths;
static size_t ngpaths, capgpaths;

static void collect_file(const char *root, const char *path)
{
	(void)root;
	if (ngpaths == capgpaths) {
		capgpaths = capgpaths ? capgpaths * 2 : 4096;
		gpaths = realloc(gpaths, capgpaths * sizeof(*gpaths));
		if (!gpaths)
			die("out of memory");
	}
	gpaths[ngpaths] = strdup(path);
	if (!gpaths[ngpaths])
		die("out of memory");
	ngpaths++;
}

/*
 * Read ROOT/path into *buf (grown as needed, NUL-terminated).
 * Returns the length, or -1 with *err set.
 */
static long read_whole(const char *root, const char *path, char **buf, size_t *cap,
		       const char **err)
{
	char full[8192];
	if (snprintf(full, sizeof(full), "%s/%s", root, path) >= (int)sizeof(full)) {
		*err = "path too long";
		return -1;
	}
	int fd = open(full, O_RDONLY | O_NONBLOCK);  /* a FIFO: see do_file */
	if (fd < 0) {
		*err = strerror(errno);
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		*err = "not a regular file";
		close(fd);
		return -1;
	}
	if ((size_t)st.st_size + 16 > *cap) {
		*cap = st.st_size + 16 + (1 << 20);
		free(*buf);
		*buf = malloc(*cap);
		if (!*buf)
			die("out of memory");
	}
	long got = 0;
	while (got < st.st_size) {
		ssize_t r = read(fd, *buf + got, st.st_size - got);
		if (r < 0) {
			*err = strerror(errno);
			close(fd);
			return -1;
		}
		if (r == 0)
			break;
		got += r;
	}
	close(fd);
	if (got > 0x7fff0000L) {
		*err = "file too large";
		return -1;
	}
	memset(*buf + got, 0, 16);
	return got;
}

static void bodies_file(const char *root, const char *path)
{
	static char *buf;
	static size_t cap;
	const char *err;

	files_seen++;
	long n = read_whole(root, path, &buf, &cap, &err);
	if (n < 0) {
		printf("E\t%s\t%s\n", path, err);
		return;
	}
	files_lexed++;
	lex(buf, (int)n);
	report_bodies(path, buf);
}

static void run_graph(const char *root)
{
	char *buf = NULL;
	size_t cap = 0;
	const char *err;

	for (size_t i = 0; i < ngpaths; i++) {
		long n = read_whole(root, gpaths[i], &buf, &cap, &err);
		if (n >= 0)
			graph_pass(1, (int)i, gpaths[i], buf, (int)n);
	}
	graph_resolve();
	for (size_t i = 0; i < ngpaths; i++) {
		files_seen++;
		long n = read_whole(root, gpaths[i], &buf, &cap, &err);
		if (n < 0) {
			printf("E\t%s\t%s\n", gpaths[i], err);
			continue;
		}
		files_lexed++;
		graph_pass(2, (int)i, gpaths[i], buf, (int)n);
	}
	free(buf);
}

/*
 * Site mode over `git cat-file --batch` output on stdin: each blob is lexed
 * exactly as a file with the same content would be (the same prefilter, the
 * same lexer, the same records), with its OID as the path.
 */
static int run_batch(int bodies)
{
	char *hdr = NULL, *buf = NULL;
	size_t hcap = 0, cap = 0;
	ssize_t n;
	long long bytes = 0;

	while ((n = getline(&hdr, &hcap, stdin)) > 0) {
		while (n > 0 && (hdr[n - 1] == '\n' || hdr[n - 1] == '\r'))
			hdr[--n] = 0;
		if (!n)
			continue;
		char oid[128], type[32];
		long size;
		if (sscanf(hdr, "%127s %31s %ld", oid, type, &size) != 3 || size < 0) {
			/* "OID missing", "NAME ambiguous": no content follows */
			char *sp = strchr(hdr, ' ');
			if (sp)
				*sp = 0;
			files_seen++;
			printf("E\t%s\t%s\n", hdr, sp ? sp + 1 : "bad cat-file header");
			continue;
		}
		if ((size_t)size + 16 > cap) {
			cap = size + 16 + (1 << 20);
			free(buf);
			buf = malloc(cap);
			if (!buf)
				die("out of memory");
		}
		size_t got = fread(buf, 1, size, stdin);
		if (got != (size_t)size) {
			printf("E\t%s\ttruncated input\n", oid);
			break;
		}
		if (getc(stdin) != '\n') {
			printf("E\t%s\tno LF after the content\n", oid);
			break;
		}
		files_seen++;
		bytes += size;
		if (strcmp(type, "blob")) {
			printf("E\t%s\tnot a blob (%s)\n", oid, type);
			continue;
		}
		if (size > 0x7fff0000L) {
			printf("E\t%s\tfile too large\n", oid);
			continue;
		}
		memset(buf + size, 0, 16);
		if (bodies) {
			files_lexed++;
			lex(buf, (int)size);
			report_bodies(oid, buf);
		} else if (memmem(buf, size, "GFP_NO", 6) ||
		    (report_kernel && memmem(buf, size, "GFP_KERNEL", 10))) {
			files_lexed++;
			lex(buf, (int)size);
			report(oid, buf);
		}
	}
	free(hdr);
	free(buf);
	printf("F\t%ld\t%ld\t%lld\n", files_seen, files_lexed, bytes);
	return 0;
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

typedef void (*file_fn)(const char *root, const char *path);

/* Records are tab-separated lines: a path holding a newline or tab cannot be one
 * field. Such a file (or directory) is not read; it gets an E record, the name
 * written with \n and \t, so that the scan lists it as not analysed. */
static int bad_name(const char *path)
{
	if (!strpbrk(path, "\n\t"))
		return 0;
	fputs("E\t", stdout);
	for (const char *p = path; *p; p++) {
		if (*p == '\n' || *p == '\t')
			fputs(*p == '\n' ? "\\n" : "\\t", stdout);
		else
			putchar(*p);
	}
	fputs("\tits name holds a newline or a tab, which gfpscope's records cannot carry: "
	      "not analysed (rename it)\n", stdout);
	return 1;
}

static void walk(const char *root, const char *rel, file_fn fn)
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
			if ((S_ISDIR(st.st_mode) || (S_ISREG(st.st_mode) && wanted(names[i]))) && bad_name(sub))
				;
			else if (S_ISDIR(st.st_mode))
				walk(root, sub, fn);
			else if (S_ISREG(st.st_mode) && wanted(names[i]))
				fn(root, sub);
		}
		free(names[i]);
	}
	free(names);
}

static void do_path(const char *root, const char *rel, file_fn fn)
{
	char full[8192];
	struct stat st;
	if (bad_name(rel))
		return;
	if (snprintf(full, sizeof(full), "%s/%s", root, rel) >= (int)sizeof(full)) {
		printf("E\t%s\tpath too long\n", rel);
		return;
	}
	if (stat(full, &st) < 0) {
		printf("E\t%s\t%s\n", rel, strerror(errno));
		return;
	}
	if (S_ISDIR(st.st_mode))
		walk(root, rel, fn);
	else
		fn(root, rel);
}

int main(int argc, char **argv)
{
	if ((argc == 2 || (argc == 3 && !strcmp(argv[2], "--kernel"))) &&
	    !strcmp(argv[1], "--batch")) {
		report_kernel = argc == 3;
		static char obuf[1 << 16];
		setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
		return run_batch(0);
	}
	if (argc == 3 && !strcmp(argv[1], "--bodies") && !strcmp(argv[2], "--batch")) {
		static char obuf[1 << 16];
		setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
		return run_batch(1);
	}
	int graph = argc >= 2 && !strcmp(argv[1], "--graph");
	int bodies = argc >= 2 && !strcmp(argv[1], "--bodies");
	if (graph || bodies) {
		argv++;
		argc--;
	}
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fprintf(stderr, "usage: gfplex [--graph|--bodies] ROOT [PATH...|-]\n"
			"       gfplex --batch [--kernel] < git-cat-file-batch-output\n"
			"       gfplex --bodies --batch < git-cat-file-batch-output\n");
		return 2;
	}
	const char *root = argv[1];
	struct stat st;
	if (stat(root, &st) < 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "gfplex: %s: not a directory\n", root);
		return 2;
	}
	file_fn fn = graph ? collect_file : bodies ? bodies_file : do_file;
	if (graph || bodies) {
		static char obuf[1 << 20];
		setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	}
	if (argc == 2) {
		do_path(root, ".", fn);
	} else if (argc == 3 && !strcmp(argv[2], "-")) {
		char *line = NULL;
		size_t cap = 0;
		ssize_t n;
		while ((n = getline(&line, &cap, stdin)) > 0) {
			while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
				line[--n] = 0;
			if (n)
				do_path(root, line, fn);
		}
		free(line);
	} else {
		for (int i = 2; i < argc; i++)
			do_path(root, argv[i], fn);
	}
	if (graph)
		run_graph(root);
	printf("F\t%ld\t%ld\n", files_seen, files_lexed);
	return 0;
}
