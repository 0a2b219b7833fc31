// SPDX-License-Identifier: GPL-2.0-only
/*
 * gfplex --graph: who sees a definition (the classes are described at struct
 * name in graph.h). The world and class of the file being read, the
 * #include lines of every file and the files they name, the #include "x.c"
 * groups (one translation unit), the local (file, name) pairs, the
 * restricted headers that define each name and those a file reaches.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"

/* ------------------------------------------------------ files, locals */

int cur_world, cur_header;
static int cur_file;
static int cur_restricted;
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
int nincs;
static int capincs;
static char *inc_text;
static size_t ninc_text, capinc_text;

/* Restricted headers that define a name. */
struct rdnode {
	int file, next;
};
static struct rdnode *rdnodes;
int nrdnodes;
static int caprdnodes;

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
uint64_t nlset;
static uint64_t caplset;

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
void resolve_includes(void)
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

/* After pass 1: the restricted headers a header under include/ #includes are seen everywhere. */
void resolve_escaped(void)
{
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
void define_name(int id, int kind, int is_static)
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
int def_class_bit(void)
{
	int class = cur_header ? (cur_restricted ? C_RESTR : C_GLOBAL) : C_LOCAL;
	return cur_world * 3 + class;
}

/* ------------------------------------------------------- the file read */

/* Both passes: the file about to be read. */
void visible_enter(int file, const char *path)
{
	grow_files(file);
	size_t plen = strlen(path);
	file_path[file] = path;
	cur_file = file;
	cur_world = world_of(path);
	cur_header = plen > 2 && path[plen - 1] == 'h';
	cur_restricted = restricted_header(path, cur_header);
}

/* Pass 1: the file by its base name; its #include lines follow. */
void visible_collect(int file, const char *path)
{
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
	inc_first[file] = nincs;
}

/* Pass 1: an #include directive, tokens [k, e). */
void collect_include(int k, int e)
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

/* Pass 2: who the file sees, the headers its group #includes. */
void visible_scope(int file)
{
	cur_all_restr = 0;
	if (!cur_header) {
		cur_stamp++;
		for (int f = group_find(file); f >= 0; f = gnext[f])
			cur_all_restr |= include_walk(f);
	}
}

/*
 * Is a definition of name id whose class bits b (NB()) are local or
 * restricted, none global, seen from the current file?
 */
int visible_here(int id, unsigned b)
{
	if (b & N_LOCAL) {
		/* this file's, or one of its #include "x.c" group's */
		for (int f = group_find(cur_file); f >= 0; f = gnext[f])
			if (local_has(f, id))
				return 1;
	}
	return (b & N_RESTR) && (cur_all_restr || restricted_seen(id));
}
