// SPDX-License-Identifier: GPL-2.0-only
/*
 * gfplex --graph: the name table (every name graph mode records something
 * of, by id: what it is, per world, and who sees it; see struct name in
 * graph.h) and the keyword table.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"

/* ---------------------------------------------------------------- names */

struct name *names;
int nnames;
static int capnames;
static uint64_t *slots;		/* hash << 32 | (id + 1), 0 = empty */
static uint32_t capslots;
static char *arena;
size_t narena;
static size_t caparena;

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
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
int name_id(const char *s, int n, uint32_t h, int add)
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

/* ------------------------------------------------------------- keywords */

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

void init_keywords(void)
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

int kw_of(const char *s, int n, uint32_t h)
{
	if (n > 10 && !memcmp(s, "__builtin_", 10))
		return K_KW;
	for (uint32_t j = h & (KWSLOTS - 1); kwtab[j].s; j = (j + 1) & (KWSLOTS - 1))
		if (kwtab[j].n == n && !memcmp(kwtab[j].s, s, n))
			return kwtab[j].f;
	return 0;
}
