// SPDX-License-Identifier: GPL-2.0-only
/// Find a memalloc_nofs_save() scope closed by memalloc_noio_restore(), or
/// a memalloc_noio_save() scope closed by memalloc_nofs_restore(): the
/// restore must be the one of the save's kind.
//# The check is intraprocedural. A save and a restore under the same
//# condition in two separate ifs (if (x) c = save(); ... if (x)
//# restore(c);, as in mm/vmalloc.c) are left out. In v6.12 both restores
//# are memalloc_flags_restore(), which clears the flags the cookie names,
//# so the mismatch only misleads the reader; in v6.1 each restore clears
//# its own flag only, so a nofs scope closed by a noio restore stays open.
//
// Confidence: Moderate
// Copyright: (C) 2026 gfpscope authors
// Comments: memalloc_flags_save() scopes are not checked (their kind is
//   an argument, not the name). Report and org modes print one line per
//   restore; context mode marks it. There is no patch mode (this rule only
//   finds the mismatch): patch mode prints nothing.
// Options: --no-includes --include-headers

virtual patch
virtual context
virtual org
virtual report

@initialize:python@
@@
MODE = ['report']

def emit(p, msg):
    if MODE[0] == 'org':
        coccilib.org.print_todo(p, msg)
    else:
        coccilib.report.print_report(p, msg)

// Only files that open a nofs or noio scope are looked at: every rule below
// depends on this one, whose tokens spatch greps for before parsing a file.
@gate@
symbol memalloc_nofs_save, memalloc_noio_save;
@@
\(memalloc_nofs_save\|memalloc_noio_save\)

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

// A nofs save closed by a noio restore.
@nofs_noio depends on gate && !patch exists@
identifier c;
type T;
expression E;
position p1 != cond.ps, p2 != cond.pr;
@@
(
T c = memalloc_nofs_save@p1(...);
|
c = memalloc_nofs_save@p1(...);
)
... when != c = E
    when != \(memalloc_nofs_restore\|memalloc_noio_restore\|memalloc_flags_restore\)(c)
memalloc_noio_restore@p2(c);

@script:python depends on report || org@
p1 << nofs_noio.p1;
p2 << nofs_noio.p2;
c << nofs_noio.c;
@@
emit(p2[0], "memalloc_noio_restore(%s) at line %s closes the memalloc_nofs_save() scope opened at line %s: use memalloc_nofs_restore(%s)"
     % (c, p2[0].line, p1[0].line, c))

// A noio save closed by a nofs restore.
@noio_nofs depends on gate && !patch exists@
identifier c;
type T;
expression E;
position p1 != cond.ps, p2 != cond.pr;
@@
(
T c = memalloc_noio_save@p1(...);
|
c = memalloc_noio_save@p1(...);
)
... when != c = E
    when != \(memalloc_nofs_restore\|memalloc_noio_restore\|memalloc_flags_restore\)(c)
memalloc_nofs_restore@p2(c);

@script:python depends on report || org@
p1 << noio_nofs.p1;
p2 << noio_nofs.p2;
c << noio_nofs.c;
@@
emit(p2[0], "memalloc_nofs_restore(%s) at line %s closes the memalloc_noio_save() scope opened at line %s: use memalloc_noio_restore(%s)"
     % (c, p2[0].line, p1[0].line, c))

@depends on gate && context@
identifier rv;
position p = {nofs_noio.p2, noio_nofs.p2};
@@
* rv@p(...)

// Patch mode has nothing to change; this keeps spatch -D patch (and make
// coccicheck MODE=patch) from failing with "No rules apply".
@script:python depends on gate && patch@
@@
pass
