// SPDX-License-Identifier: GPL-2.0-only
/// Check that every memalloc_nofs_save()/memalloc_noio_save()/
/// memalloc_flags_save() scope is closed by the matching restore.
///
/// A scope that is not closed on an error path leaves the task in NOFS/NOIO
/// mode for good; a restore that gets the wrong cookie, the wrong kind
/// (nofs save, noio restore), or runs out of order ends the wrong scope or
/// ends it early, so allocations that must not recurse into the filesystem
/// or the block layer may do so. The rule reports:
///  - a save whose cookie is not restored on some path to a return,
///  - a restore whose cookie was already restored or was never set by a save,
///  - a nofs save closed by a noio restore, or the reverse,
///  - nested scopes restored in the wrong order,
///  - a cookie variable overwritten while its scope is open.
/// Scopes that deliberately outlive the function are not bugs: a cookie
/// stored in a struct field or global (also via a local), or returned, a
/// restore of a cookie read from a field or a parameter, a discarded cookie
/// (kjournald2's thread-long scope) and PF_MEMALLOC_NOFS/NOIO written
/// directly into current->flags are reported as "scope provider:" lines so
/// that the caller-side pairing can be reviewed.
//
// Confidence: Moderate. The checks are intraprocedural and path-insensitive:
//   a save and a restore guarded by the same condition in two separate ifs
//   (if (x) c = save(); ... if (x) restore(c);) is reported although it is
//   balanced; a cookie handed to another function (foo(c)) is taken as
//   restored by it.
// Copyright: (C) 2026 gfpscope authors
// Comments: memalloc_noreclaim_save() and memalloc_pin_save() are not
//   checked. Report and org modes print bugs and "scope provider:" lines;
//   context mode marks the bugs only; there is no patch mode (the fix
//   depends on where the scope should end), patch mode prints nothing.
// Options: --no-includes --include-headers

virtual patch
virtual context
virtual org
virtual report

@initialize:python@
@@
import re
import linecache

MODE = ['report']
FOREVER = {}
KTHREADS = set()

def kind(f):
    """nofs, noio or flags, from a memalloc_*_save/restore name."""
    return f.split('_')[1]

def restore_of(sv):
    return sv.replace('_save', '_restore')

def save_of(rv):
    return rv.replace('_restore', '_save')

def tidy(e):
    """An expression as written in C: spatch prints 'h -> ctx'."""
    return re.sub(r'\s*(->|\.)\s*', r'\1', e).strip()

def is_end(p):
    """True when a return position is the implicit return at the final }."""
    text = linecache.getline(p.file, int(p.line))
    return 'return' not in text

def path_end(p, fn):
    if is_end(p):
        return 'the path reaching the end of %s() at line %s' % (fn, p.line)
    return 'the path returning at line %s' % p.line

def mismatched(sv, rv):
    """A nofs save closed by a noio restore, or the reverse."""
    return rv in ("memalloc_nofs_restore", "memalloc_noio_restore") and kind(rv) != kind(sv)

def emit(p, msg):
    if MODE[0] == 'org':
        coccilib.org.print_todo(p, msg)
    else:
        coccilib.report.print_report(p, msg)

@script:python depends on org@
@@
MODE[0] = 'org'

@script:python depends on context@
@@
MODE[0] = 'context'

// ---------------------------------------------------------------- providers

// A cookie stored into anything but a local variable: a field, a global,
// *ptr, an array element. The scope outlives the function by design.
@store depends on !patch@
local idexpression c;
expression lhs;
identifier sv = {memalloc_nofs_save, memalloc_noio_save, memalloc_flags_save};
position p;
@@
(
c = sv(...)
|
lhs = sv@p(...)
)

@script:python depends on report || org@
p << store.p;
lhs << store.lhs;
sv << store.sv;
@@
emit(p[0], "scope provider: %s() cookie stored in %s outlives %s(); the matching restore is elsewhere"
     % (sv, tidy(lhs), p[0].current_element))

// The field a cookie is stored in, to recognise moves of it between objects.
@store_field depends on !patch@
expression E;
identifier fld;
identifier sv = {memalloc_nofs_save, memalloc_noio_save, memalloc_flags_save};
@@
(
E->fld = sv(...)
|
E.fld = sv(...)
)

@move depends on !patch@
expression E1, E2;
identifier store_field.fld;
position pa, pd;
@@
(
E1->fld@pa = E2->fld
|
E1.fld@pd = E2.fld
)

@script:python depends on report || org@
p << move.pa;
E1 << move.E1;
E2 << move.E2;
fld << store_field.fld;
@@
emit(p[0], "scope provider: scope cookie moved from %s->%s to %s->%s in %s(); the scope now belongs to the new owner, which must restore it"
     % (tidy(E2), fld, tidy(E1), fld, p[0].current_element))

@script:python depends on report || org@
p << move.pd;
E1 << move.E1;
E2 << move.E2;
fld << store_field.fld;
@@
emit(p[0], "scope provider: scope cookie moved from %s.%s to %s.%s in %s(); the scope now belongs to the new owner, which must restore it"
     % (tidy(E2), fld, tidy(E1), fld, p[0].current_element))

// A cookie that goes from a local into a field/global, or is returned.
@escape exists@
identifier c;
local idexpression l;
expression lhs, E;
identifier sv = {memalloc_nofs_save, memalloc_noio_save, memalloc_flags_save};
type T;
position p1, pr, ps;
@@
(
T c = sv@p1(...);
|
c = sv@p1(...);
)
... when != c = E
(
return@pr c;
|
l = c;
|
lhs@ps = c;
)

@script:python depends on report || org@
p1 << escape.p1;
pr << escape.pr;
c << escape.c;
sv << escape.sv;
@@
emit(p1[0], "scope provider: %s() cookie %s is returned by %s() at line %s; its callers must restore it with %s()"
     % (sv, c, p1[0].current_element, pr[0].line, restore_of(sv)))

@script:python depends on report || org@
p1 << escape.p1;
ps << escape.ps;
c << escape.c;
lhs << escape.lhs;
sv << escape.sv;
@@
emit(p1[0], "scope provider: %s() cookie stored (via %s, line %s) in %s outlives %s(); the matching restore is elsewhere"
     % (sv, c, ps[0].line, tidy(lhs), p1[0].current_element))

@ret depends on !patch@
identifier sv = {memalloc_nofs_save, memalloc_noio_save, memalloc_flags_save};
position p;
@@
return sv@p(...);

@script:python depends on report || org@
p << ret.p;
sv << ret.sv;
@@
emit(p[0], "scope provider: %s() cookie is returned by %s(); its callers must restore it with %s()"
     % (sv, p[0].current_element, restore_of(sv)))

// The cookie is thrown away: a scope that lasts as long as the thread
// (kjournald2). Right only in a kernel thread's main function.
@discard depends on !patch@
identifier sv = {memalloc_nofs_save, memalloc_noio_save, memalloc_flags_save};
position p;
@@
sv@p(...);

@script:python depends on report || org@
p << discard.p;
sv << discard.sv;
@@
emit(p[0], "scope provider: %s() cookie discarded in %s(): the scope is never closed and lasts until the thread exits; right only in a kernel thread's main function, elsewhere keep the cookie and call %s()"
     % (sv, p[0].current_element, restore_of(sv)))

@pf depends on !patch@
symbol current;
identifier f = {PF_MEMALLOC_NOFS, PF_MEMALLOC_NOIO};
position p1, p2;
@@
(
current->flags |= <+... f@p1 ...+>
|
current->flags &= <+... f@p2 ...+>
)

@script:python depends on report || org@
p << pf.p1;
f << pf.f;
@@
emit(p[0], "scope provider: %s set directly in current->flags in %s(); the scope lasts until the flags are restored, check that every exit does it"
     % (f, p[0].current_element))

@script:python depends on report || org@
p << pf.p2;
f << pf.f;
@@
emit(p[0], "scope provider: %s cleared directly in current->flags in %s(); it ends a scope opened elsewhere"
     % (f, p[0].current_element))

// Restores of a cookie that comes from elsewhere.
@rfield depends on !patch@
local idexpression c;
expression E;
identifier rv = {memalloc_nofs_restore, memalloc_noio_restore, memalloc_flags_restore};
position p;
@@
(
rv(c)
|
rv@p(E)
)

@script:python depends on report || org@
p << rfield.p;
E << rfield.E;
rv << rfield.rv;
@@
if re.match(r'^\(?\s*[0-9]', E):
    emit(p[0], "%s(%s) does not restore a cookie from %s(): pass the value the matching save returned"
         % (rv, E, save_of(rv)))
else:
    emit(p[0], "scope provider: %s() in %s() restores the cookie stored in %s; the matching save is elsewhere"
         % (rv, p[0].current_element, tidy(E)))

@rparam exists@
identifier fn, x;
identifier rv = {memalloc_nofs_restore, memalloc_noio_restore, memalloc_flags_restore};
type T;
expression E;
position p;
@@
fn(..., T x, ...) {
... when != x = E
rv@p(x);
... when any
}

@script:python depends on report || org@
p << rparam.p;
x << rparam.x;
rv << rparam.rv;
@@
emit(p[0], "scope provider: %s() in %s() restores the cookie its caller passes in %s; the matching save is elsewhere"
     % (rv, p[0].current_element, x))

@rlocal exists@
identifier c;
expression E, E2;
identifier sv = {memalloc_nofs_save, memalloc_noio_save, memalloc_flags_save};
identifier rv = {memalloc_nofs_restore, memalloc_noio_restore, memalloc_flags_restore};
type T;
position p;
@@
(
T c = sv(...);
|
c = sv(...);
|
T c = E;
|
c = E;
)
... when != c = E2
rv@p(c);

@script:python depends on report || org@
p << rlocal.p;
c << rlocal.c;
E << rlocal.E;
rv << rlocal.rv;
@@
if re.match(r'^\(?\s*[0-9]', E):
    emit(p[0], "%s(%s) at line %s restores %s = %s, not a cookie from %s(): pass the value the matching save returned"
         % (rv, c, p[0].line, c, E, save_of(rv)))
else:
    emit(p[0], "scope provider: %s() in %s() restores the cookie it read from %s into %s; the matching save is elsewhere"
         % (rv, p[0].current_element, tidy(E), c))

// --------------------------------------------------------------------- bugs

// A scope opened and closed under the same condition, as in
// "if (nofs) flags = memalloc_nofs_save(); ... if (nofs) memalloc_nofs_restore(flags);"
// (vmalloc, page_symlink): balanced, but not path by path for spatch,
// which does not correlate the two conditions. Left out of every check.
@cond exists@
expression C;
identifier c;
identifier sv = {memalloc_nofs_save, memalloc_noio_save, memalloc_flags_save};
identifier rv = {memalloc_nofs_restore, memalloc_noio_restore, memalloc_flags_restore};
statement S1, S2;
position ps, pr;
@@
(
if (C) c = sv@ps(...); else S1
|
if (C) c = sv@ps(...);
)
... when any
(
if (C) rv@pr(c); else S2
|
if (C) rv@pr(c);
)

// 1. Not restored on some path to a return (or to the end of the function).
@unrestored exists@
identifier c, fn;
identifier sv = {memalloc_nofs_save, memalloc_noio_save, memalloc_flags_save};
type T;
position p1 != {store.p, cond.ps}, p2;
@@
fn(...) {
... when any
(
T c = sv@p1(...);
|
c = sv@p1(...);
)
... when != c
(
return <+... c ...+>;
|
return@p2 ...;
)
}

// Infinite loops without a break: paths past them are not real, spatch's
// control flow graph lets them exit.
@forever depends on unrestored@
statement S;
position pl;
@@
(
for (;;) S@pl
|
while (1) S@pl
)

@script:python@
pl << forever.pl;
S << forever.S;
@@
if not re.search(r'\bbreak\b', S):
    FOREVER.setdefault((pl[0].file, pl[0].current_element), []).append(
        (int(pl[0].line), int(pl[0].line_end)))

// Kernel thread main functions started in this file: their scope may last
// until the thread exits.
@kthread depends on unrestored@
identifier fn;
@@
\(kthread_run\|kthread_create\|kthread_create_on_node\|kthread_create_on_cpu\|kthread_run_on_cpu\)(fn, ...)

@script:python@
fn << kthread.fn;
p1 << unrestored.p1;
@@
KTHREADS.add((p1[0].file, fn))

@script:python depends on report || org || context@
p1 << unrestored.p1;
p2 << unrestored.p2;
c << unrestored.c;
sv << unrestored.sv;
fn << unrestored.fn;
@@
start, end = int(p1[0].line), int(p2[0].line)
if any(l0 > start and l1 < end for (l0, l1) in FOREVER.get((p1[0].file, fn), [])):
    # the end is only reached past a loop that never exits
    cocci.include_match(False)
elif (p1[0].file, fn) in KTHREADS:
    cocci.include_match(False)
    if MODE[0] != 'context':
        emit(p1[0], "scope provider: %s() in kernel thread function %s() is not restored before the thread returns at line %s: a thread-long scope, ended by the thread's exit"
             % (sv, fn, p2[0].line))
elif MODE[0] != 'context':
    emit(p1[0], "%s() at line %s is not restored on %s: add %s(%s) on that path"
         % (sv, p1[0].line, path_end(p2[0], fn), restore_of(sv), c))

// 2a. A restore whose cookie was already restored: it closes nothing, or
// another save's scope (a restore must take its own save's cookie).
@twice exists@
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

// 2b. A restore whose cookie variable was never set by a save on some path.
@unset exists@
identifier c;
identifier rv = {memalloc_nofs_restore, memalloc_noio_restore, memalloc_flags_restore};
type T;
expression E, E0;
position pd, p != cond.pr;
@@
(
T c = E0;
|
T c@pd;
)
... when != c = E
rv@p(c);

@script:python depends on report || org@
pd << unset.pd;
p << unset.p;
c << unset.c;
rv << unset.rv;
@@
emit(p[0], "%s(%s) at line %s: %s holds no cookie from a memalloc_*_save() on some path to it: pass the cookie the save that opened this scope returned"
     % (rv, c, p[0].line, c))

// 3. nofs save closed by a noio restore, or the reverse.
@mismatch exists@
identifier c;
identifier sv = {memalloc_nofs_save, memalloc_noio_save};
identifier rv = {memalloc_nofs_restore, memalloc_noio_restore};
type T;
expression E;
position p1 != cond.ps, p2 != cond.pr;
@@
(
T c = sv@p1(...);
|
c = sv@p1(...);
)
... when != c = E
    when != \(memalloc_nofs_restore\|memalloc_noio_restore\|memalloc_flags_restore\)(c)
rv@p2(c);

@script:python depends on report || org || context@
p1 << mismatch.p1;
p2 << mismatch.p2;
c << mismatch.c;
sv << mismatch.sv;
rv << mismatch.rv;
@@
if not mismatched(sv, rv):
    cocci.include_match(False)
elif MODE[0] != 'context':
    emit(p2[0], "%s(%s) at line %s closes the %s() scope opened at line %s: use %s(%s)"
          % (rv, c, p2[0].line, sv, p1[0].line, restore_of(sv), c))

// 4. Nested scopes closed out of order: the outer cookie is restored while
// the inner scope is still open.
@order exists@
identifier a, b;
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

@script:python depends on report || org || context@
pa << order.pa;
pb << order.pb;
pr << order.pr;
a << order.a;
b << order.b;
sv2 << order.sv2;
rv << order.rv;
@@
if a == b:
    # that is an overwrite, reported below
    cocci.include_match(False)
elif MODE[0] != 'context':
    emit(pr[0], "%s(%s) at line %s closes the scope opened at line %s while the nested scope opened at line %s (cookie %s) is still open: restore in reverse order of save, %s(%s) first"
         % (rv, a, pr[0].line, pa[0].line, pb[0].line, b, restore_of(sv2), b))

// 5. The cookie variable is overwritten while its scope is open.
@overwrite exists@
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

@depends on context@
identifier sv;
position unrestored.p1;
@@
* sv@p1(...)

@depends on context@
identifier rv;
position p = {twice.p2, mismatch.p2, order.pr};
@@
* rv@p(...)

@depends on context@
identifier rv;
position unset.pd, unset.p;
@@
* rv@p(...)

@depends on context@
identifier overwrite.c;
expression E;
position overwrite.p2;
@@
* c@p2 = E
