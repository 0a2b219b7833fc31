// SPDX-License-Identifier: GPL-2.0-only
/// Find memalloc_nofs/noio/flags_restore() calls that do not get the cookie
/// of the scope they close (a cookie already restored, a variable no save
/// set, a number), and cookie variables overwritten while their scope is
/// open: the wrong scope ends, or ends early.
//# The checks are intraprocedural and path-insensitive. A save and a
//# restore under the same condition in two separate ifs (if (x) c = save();
//# ... if (x) restore(c);, as in mm/vmalloc.c) are left out. A cookie
//# initialised to 0 and restored on a path that did not save (drivers/md)
//# is taken as the no-op it is with memalloc_flags_restore() (v6.12); with
//# the older restore (v6.1: current->flags = (current->flags &
//# ~PF_MEMALLOC_NOFS) | flags) it clears the flag, ending a scope the
//# caller had opened. A restore of a cookie read from a field or passed
//# in by the caller is a scope provider (gfp_scope_provider.cocci), not a
//# bug.
//
// Confidence: Moderate
// Copyright: (C) 2026 gfpscope authors
// Comments: Report and org modes print one line per restore or
//   assignment; context mode marks it; there is no patch mode (the right
//   cookie depends on which scope should end): patch mode prints nothing.
// Options: --no-includes --include-headers

virtual patch
virtual context
virtual org
virtual report

@initialize:python@
@@
import re

MODE = ['report']

def restore_of(sv):
    return sv.replace('_save', '_restore')

def save_of(rv):
    return rv.replace('_restore', '_save')

def is_number(e):
    """A cookie written as a number: 0, (0), 0U."""
    return re.match(r'^\(?\s*[0-9]', e) is not None

def emit(p, msg):
    if MODE[0] == 'org':
        coccilib.org.print_todo(p, msg)
    else:
        coccilib.report.print_report(p, msg)

// Only files that use the scope API are looked at: every rule below
// depends on this one, whose tokens spatch greps for before parsing a file.
@gate@
symbol memalloc_nofs_save, memalloc_noio_save, memalloc_flags_save,
       memalloc_nofs_restore, memalloc_noio_restore, memalloc_flags_restore;
@@
\(memalloc_nofs_save\|memalloc_noio_save\|memalloc_flags_save\|memalloc_nofs_restore\|memalloc_noio_restore\|memalloc_flags_restore\)

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

// A restore whose cookie was already restored: it closes nothing, or
// another save's scope (a restore must take its own save's cookie).
@twice depends on gate && !patch exists@
identifier c;
identifier rv1 = {memalloc_nofs_restore, memalloc_noio_restore, memalloc_flags_restore};
identifier rv2 = {memalloc_nofs_restore, memalloc_noio_restore, memalloc_flags_restore};
expression E;
position p1, p2 != cond.pr;
@@
rv1@p1(c);
... when != c = E
rv2@p2(c);

@script:python depends on report || org@
p1 << twice.p1;
p2 << twice.p2;
c << twice.c;
rv2 << twice.rv2;
@@
emit(p2[0], "%s(%s) at line %s uses cookie %s already restored at line %s: it does not belong to the scope open here; pass the cookie of the save that opened this scope, or drop the duplicate restore"
     % (rv2, c, p2[0].line, c, p1[0].line))

// A restore whose cookie variable was never set by a save on some path.
@unset depends on gate && !patch disable decl_init exists@
identifier c;
identifier rv = {memalloc_nofs_restore, memalloc_noio_restore, memalloc_flags_restore};
type T;
expression E;
position p != cond.pr;
@@
T c;
... when != c = E
    when != &c
rv@p(c);

@script:python depends on report || org@
p << unset.p;
c << unset.c;
rv << unset.rv;
@@
emit(p[0], "%s(%s) at line %s: %s holds no cookie from a memalloc_*_save() on some path to it: pass the cookie the save that opened this scope returned"
     % (rv, c, p[0].line, c))

// A restore of a number: no save returned it.
@number depends on gate && !patch@
expression E : script:python() { is_number(E) };
identifier rv = {memalloc_nofs_restore, memalloc_noio_restore, memalloc_flags_restore};
position p;
@@
rv@p(E)

@script:python depends on report || org@
p << number.p;
E << number.E;
rv << number.rv;
@@
emit(p[0], "%s(%s) does not restore a cookie from %s(): pass the value the matching save returned"
     % (rv, E, save_of(rv)))

// The cookie variable is overwritten while its scope is open.
@overwrite depends on gate && !patch exists@
identifier c;
identifier sv = {memalloc_nofs_save, memalloc_noio_save, memalloc_flags_save};
type T;
expression E, E2;
position p1 != cond.ps, p2;
@@
(
T c = sv@p1(...);
|
c = sv@p1(...);
)
... when != \(memalloc_nofs_restore\|memalloc_noio_restore\|memalloc_flags_restore\)(c)
    when != E2 = c
c@p2 = E

@script:python depends on report || org@
p1 << overwrite.p1;
p2 << overwrite.p2;
c << overwrite.c;
sv << overwrite.sv;
@@
if p1[0].line == p2[0].line and int(p1[0].column) > int(p2[0].column):
    where = "by the same save on the next loop iteration"
else:
    where = "at line %s" % p2[0].line
emit(p2[0], "cookie %s of the %s() scope opened at line %s is overwritten %s while that scope is open: call %s(%s) first, or keep a nested scope's cookie in its own variable"
     % (c, sv, p1[0].line, where, restore_of(sv), c))

// ------------------------------------------------------------ context mode

@depends on gate && context@
identifier rv;
position p = {twice.p2, unset.p, number.p};
@@
* rv@p(...)

@depends on gate && context@
identifier overwrite.c;
expression E;
position overwrite.p2;
@@
* c@p2 = E

// Patch mode has nothing to change; this keeps spatch -D patch (and make
// coccicheck MODE=patch) from failing with "No rules apply".
@script:python depends on gate && patch@
@@
pass
