// SPDX-License-Identifier: GPL-2.0-only
/// Find nested memalloc_nofs/noio/flags_save() scopes restored out of
/// order: the outer cookie is restored while the inner scope is still
/// open, so the inner scope's end no longer restores what it saved.
//# The check is intraprocedural and path-insensitive: it reports when the
//# outer restore comes before the inner one on some path. A save and a
//# restore under the same condition in two separate ifs (if (x) c =
//# save(); ... if (x) restore(c);, as in mm/vmalloc.c) are left out.
//
// Confidence: Moderate
// Copyright: (C) 2026 gfpscope authors
// Comments: Report and org modes print one line per outer restore and
//   inner scope; context mode marks the outer restore. There is no patch
//   mode (moving restores can change what runs inside a scope): patch mode
//   prints nothing.
// Options: --no-includes --include-headers

virtual patch
virtual context
virtual org
virtual report

@initialize:python@
@@
MODE = ['report']

def restore_of(sv):
    return sv.replace('_save', '_restore')

def emit(p, msg):
    if MODE[0] == 'org':
        coccilib.org.print_todo(p, msg)
    else:
        coccilib.report.print_report(p, msg)

// Only files that save a scope are looked at: every rule below depends on
// this one, whose tokens spatch greps for before parsing a file.
@gate@
symbol memalloc_nofs_save, memalloc_noio_save, memalloc_flags_save;
@@
\(memalloc_nofs_save\|memalloc_noio_save\|memalloc_flags_save\)

@script:python depends on gate && org@
@@
MODE[0] = 'org'

// A scope opened in one if and closed in a later one, as in
// "if (nofs) flags = memalloc_nofs_save(); ... if (nofs) memalloc_nofs_restore(flags);"
// (mm/vmalloc.c, fs/namei.c, drivers/md/md.c): balanced when the two
// conditions agree, which spatch cannot tell path by path. Left out.
// (The same match is in each gfp_scope_* rule that checks a scope.)
@cond depends on gate && !patch exists@
expression C1, C2;
identifier c;
identifier sv = {memalloc_nofs_save, memalloc_noio_save, memalloc_flags_save};
identifier rv = {memalloc_nofs_restore, memalloc_noio_restore, memalloc_flags_restore};
statement S1, S2;
position ps, pr;
@@
(
if (C1) { <+... c = sv@ps(...) ...+> } else S1
|
if (C1) { <+... c = sv@ps(...) ...+> }
)
... when any
(
if (C2) { <+... rv@pr(c) ...+> } else S2
|
if (C2) { <+... rv@pr(c) ...+> }
)

// Every cookie variable: the outer scope's.
@cookie depends on gate && !patch@
identifier a;
identifier sv = {memalloc_nofs_save, memalloc_noio_save, memalloc_flags_save};
type T;
@@
(
T a = sv(...);
|
a = sv(...);
)

// The outer cookie a is restored while the nested scope b is still open.
@order depends on gate && !patch exists@
identifier cookie.a;
identifier b : script:python(a) { b != a };
identifier sv1 = {memalloc_nofs_save, memalloc_noio_save, memalloc_flags_save};
identifier sv2 = {memalloc_nofs_save, memalloc_noio_save, memalloc_flags_save};
identifier rv = {memalloc_nofs_restore, memalloc_noio_restore, memalloc_flags_restore};
type T1, T2;
expression E;
position pa != cond.ps, pb != cond.ps, pr;
@@
(
T1 a = sv1@pa(...);
|
a = sv1@pa(...);
)
... when != \(memalloc_nofs_restore\|memalloc_noio_restore\|memalloc_flags_restore\)(a)
    when != a = E
(
T2 b = sv2@pb(...);
|
b = sv2@pb(...);
)
... when != \(memalloc_nofs_restore\|memalloc_noio_restore\|memalloc_flags_restore\)(b)
    when != b = E
rv@pr(a);

@script:python depends on report || org@
pa << order.pa;
pb << order.pb;
pr << order.pr;
a << cookie.a;
b << order.b;
sv2 << order.sv2;
rv << order.rv;
@@
emit(pr[0], "%s(%s) at line %s closes the scope opened at line %s while the nested scope opened at line %s (cookie %s) is still open: restore in reverse order of save, %s(%s) first"
         % (rv, a, pr[0].line, pa[0].line, pb[0].line, b, restore_of(sv2), b))

@depends on gate && context@
identifier rv;
position order.pr;
@@
* rv@pr(...)

// Patch mode has nothing to change; this keeps spatch -D patch (and make
// coccicheck MODE=patch) from failing with "No rules apply".
@script:python depends on gate && patch@
@@
pass
