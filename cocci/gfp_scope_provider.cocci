// SPDX-License-Identifier: GPL-2.0-only
/// List the scope providers: memalloc_nofs/noio/flags_save() scopes that
/// outlive the function that opens them, and the restores that end a scope
/// opened elsewhere. These are not bugs: each "scope provider:" line names
/// a pairing across functions that the caller side must keep.
//# What is listed: a cookie stored in a struct field, a global, *ptr or an
//# array element (also through a local), or returned; a cookie moved from
//# one object's field to another's; a discarded cookie (kjournald2's
//# thread-long scope); a save not restored before the return of a function
//# this file starts with kthread_run()/kthread_create(); PF_MEMALLOC_NOFS/
//# NOIO set or cleared directly in current->flags; a restore of a cookie
//# read from a field or passed in by the caller. Flags hidden behind a
//# macro (kernel/sys.c: current->flags |= PR_IO_FLUSHER) are not seen.
//
// Confidence: Moderate
// Copyright: (C) 2026 gfpscope authors
// Comments: The bugs in the same scopes are other rules' concern:
//   gfp_scope_unbalanced (a scope left open), gfp_scope_cookie (a wrong or
//   overwritten cookie), gfp_scope_kind (nofs closed by noio),
//   gfp_scope_order (nested scopes closed out of order). Report and org
//   modes print the "scope provider:" lines; context and patch modes print
//   nothing, as there is nothing to fix. facts prints each line as a
//   GFPSCOPE JSON record with its fact, which gfpscope scan reads.
// Options: --no-includes --include-headers

virtual patch
virtual context
virtual org
virtual report
// facts: what report prints, as GFPSCOPE JSON lines with the finding's fact (gfpscope scan)
virtual facts

@initialize:python@
@@
import json
import re

MODE = ['report']
FOREVER = {}
KTHREADS = set()
RETC = set()

def restore_of(sv):
    return sv.replace('_save', '_restore')

def is_number(e):
    """A cookie written as a number: 0, (0), 0U (gfp_scope_cookie.cocci's concern)."""
    return re.match(r'^\(?\s*[0-9]', e) is not None

def tidy(e):
    """An expression as written in C: spatch prints 'h -> ctx'."""
    return re.sub(r'\s*(->|\.)\s*', r'\1', e).strip()

def after_forever(p):
    """p lies past a loop that never exits, in the same function."""
    loops = FOREVER.get((p[0].file, p[0].current_element), [])
    return any(l1 < int(p[0].line) for (l0, l1) in loops)

def real_end(p):
    """p ends a path that leaves the scope open: a reachable return that
    does not hand a cookie to the caller."""
    return (p[0].file, p[0].line, p[0].column) not in RETC and not after_forever(p)

def in_kthread(p):
    """p is in a function this file starts as a kernel thread."""
    return (p[0].file, p[0].current_element) in KTHREADS

def emit(p, msg, fact):
    """The finding: a report or org line for people, or in facts mode the same message
    with its fact as data (a scope provider's role, function and how it keeps the cookie),
    which is what gfpscope reads: rewording msg changes nothing it proves."""
    if MODE[0] == 'facts':
        print("GFPSCOPE " + json.dumps({"t": "finding", "file": p.file, "line": int(p.line),
              "col": int(p.column), "colend": int(p.column_end), "msg": msg, "fact": fact}))
    elif MODE[0] == 'org':
        coccilib.org.print_todo(p, msg)
    else:
        coccilib.report.print_report(p, msg)

// Only files that use the scope API are looked at: every rule below
// depends on this one, whose tokens spatch greps for before parsing a file.
@gate@
symbol memalloc_nofs_save, memalloc_noio_save, memalloc_flags_save,
       memalloc_nofs_restore, memalloc_noio_restore, memalloc_flags_restore,
       PF_MEMALLOC_NOFS, PF_MEMALLOC_NOIO;
@@
\(memalloc_nofs_save\|memalloc_noio_save\|memalloc_flags_save\|memalloc_nofs_restore\|memalloc_noio_restore\|memalloc_flags_restore\|PF_MEMALLOC_NOFS\|PF_MEMALLOC_NOIO\)

@script:python depends on gate && org@
@@
MODE[0] = 'org'

@script:python depends on gate && facts@
@@
MODE[0] = 'facts'

// ------------------------------------------------------------------ starts

// A cookie stored into anything but a local variable: a field, a global,
// *ptr, an array element. The scope outlives the function by design.
@store depends on gate && !patch@
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

@script:python depends on report || org || facts@
p << store.p;
lhs << store.lhs;
sv << store.sv;
@@
emit(p[0], "scope provider: %s() cookie stored in %s outlives %s(); the matching restore is elsewhere"
     % (sv, tidy(lhs), p[0].current_element),
     {"provider": "start", "save": sv, "fn": p[0].current_element, "field": tidy(lhs)})

// The field a cookie is stored in, to recognise moves of it between objects.
@store_field depends on gate && !patch@
expression E;
identifier fld;
identifier sv = {memalloc_nofs_save, memalloc_noio_save, memalloc_flags_save};
@@
(
E->fld = sv(...)
|
E.fld = sv(...)
)

@move depends on gate && !patch@
expression E1, E2;
identifier store_field.fld;
position pa, pd;
@@
(
E1->fld@pa = E2->fld
|
E1.fld@pd = E2.fld
)

@script:python depends on report || org || facts@
p << move.pa;
E1 << move.E1;
E2 << move.E2;
fld << store_field.fld;
@@
emit(p[0], "scope provider: scope cookie moved from %s->%s to %s->%s in %s(); the scope now belongs to the new owner, which must restore it"
     % (tidy(E2), fld, tidy(E1), fld, p[0].current_element), {"provider": "move", "fn": p[0].current_element})

@script:python depends on report || org || facts@
p << move.pd;
E1 << move.E1;
E2 << move.E2;
fld << store_field.fld;
@@
emit(p[0], "scope provider: scope cookie moved from %s.%s to %s.%s in %s(); the scope now belongs to the new owner, which must restore it"
     % (tidy(E2), fld, tidy(E1), fld, p[0].current_element), {"provider": "move", "fn": p[0].current_element})

// A cookie that goes from a local into a field/global, or is returned.
@escape depends on gate && !patch exists@
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

@script:python depends on report || org || facts@
p1 << escape.p1;
pr << escape.pr;
c << escape.c;
sv << escape.sv;
@@
emit(p1[0], "scope provider: %s() cookie %s is returned by %s() at line %s; its callers must restore it with %s()"
     % (sv, c, p1[0].current_element, pr[0].line, restore_of(sv)),
     {"provider": "start", "save": sv, "fn": p1[0].current_element, "returned_from_local": c})

@script:python depends on report || org || facts@
p1 << escape.p1;
ps << escape.ps;
c << escape.c;
lhs << escape.lhs;
sv << escape.sv;
@@
emit(p1[0], "scope provider: %s() cookie stored (via %s, line %s) in %s outlives %s(); the matching restore is elsewhere"
     % (sv, c, ps[0].line, tidy(lhs), p1[0].current_element),
     {"provider": "start", "save": sv, "fn": p1[0].current_element, "field": tidy(lhs), "via": c})

@ret depends on gate && !patch@
identifier sv = {memalloc_nofs_save, memalloc_noio_save, memalloc_flags_save};
position p;
@@
return sv@p(...);

@script:python depends on report || org || facts@
p << ret.p;
sv << ret.sv;
@@
emit(p[0], "scope provider: %s() cookie is returned by %s(); its callers must restore it with %s()"
     % (sv, p[0].current_element, restore_of(sv)),
     {"provider": "start", "save": sv, "fn": p[0].current_element, "returned": True})

// The cookie is thrown away: a scope that lasts as long as the thread
// (kjournald2). Right only in a kernel thread's main function.
@discard depends on gate && !patch@
identifier sv = {memalloc_nofs_save, memalloc_noio_save, memalloc_flags_save};
position p;
@@
sv@p(...);

@script:python depends on report || org || facts@
p << discard.p;
sv << discard.sv;
@@
emit(p[0], "scope provider: %s() cookie discarded in %s(): the scope is never closed and lasts until the thread exits; right only in a kernel thread's main function, elsewhere keep the cookie and call %s()"
     % (sv, p[0].current_element, restore_of(sv)), {"provider": "discard", "fn": p[0].current_element})

@pf depends on gate && !patch@
symbol current;
identifier f = {PF_MEMALLOC_NOFS, PF_MEMALLOC_NOIO};
position p1, p2;
@@
(
current->flags |= <+... f@p1 ...+>
|
current->flags &= <+... f@p2 ...+>
)

@script:python depends on report || org || facts@
p << pf.p1;
f << pf.f;
@@
emit(p[0], "scope provider: %s set directly in current->flags in %s(); the scope lasts until the flags are restored, check that every exit does it"
     % (f, p[0].current_element), {"provider": "set", "fn": p[0].current_element})

// ------------------------------------------------------------------- stops

@script:python depends on report || org || facts@
p << pf.p2;
f << pf.f;
@@
emit(p[0], "scope provider: %s cleared directly in current->flags in %s(); it ends a scope opened elsewhere"
     % (f, p[0].current_element), {"provider": "stop", "fn": p[0].current_element, "clears": f})

// Restores of a cookie that comes from elsewhere. A number is no cookie
// (gfp_scope_cookie.cocci reports its restore).
@rfield depends on gate && !patch@
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

@script:python depends on report || org || facts@
p << rfield.p;
E << rfield.E;
rv << rfield.rv;
@@
if not is_number(E):
    emit(p[0], "scope provider: %s() in %s() restores the cookie stored in %s; the matching save is elsewhere"
         % (rv, p[0].current_element, tidy(E)),
         {"provider": "stop", "fn": p[0].current_element, "restore": rv, "from": tidy(E)})

@rparam depends on gate && !patch exists@
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

@script:python depends on report || org || facts@
p << rparam.p;
x << rparam.x;
rv << rparam.rv;
@@
emit(p[0], "scope provider: %s() in %s() restores the cookie its caller passes in %s; the matching save is elsewhere"
     % (rv, p[0].current_element, x), {"provider": "stop", "fn": p[0].current_element, "restore": rv, "from": x})

@rlocal depends on gate && !patch exists@
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

@script:python depends on report || org || facts@
p << rlocal.p;
c << rlocal.c;
E << rlocal.E;
rv << rlocal.rv;
@@
if is_number(E):
    # "unsigned int noio_flags = 0;": the restore of 0 on a path that did
    # not save is a no-op, an idiom for scopes opened under a condition
    pass
else:
    emit(p[0], "scope provider: %s() in %s() restores the cookie it read from %s into %s; the matching save is elsewhere"
         % (rv, p[0].current_element, tidy(E), c),
         {"provider": "stop", "fn": p[0].current_element, "restore": rv, "from": tidy(E)})

// ------------------------------------------------------ thread-long scopes

// A save not restored before a kernel thread function returns: the scope
// lasts until the thread exits. The matches below are gfp_scope_unbalanced's
// (rules cannot see another file's matches): a save left open on some path
// to a return, in a function this file starts with kthread_run() and
// friends, except a conditional scope, a stored cookie (store above), a
// return that hands the cookie over and a path past a loop that never ends.

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

@anysave depends on gate && !patch@
identifier sv = {memalloc_nofs_save, memalloc_noio_save, memalloc_flags_save};
@@
sv(...)

@forever depends on anysave@
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

@kthread depends on anysave@
identifier fn;
identifier kf = {kthread_run, kthread_create, kthread_create_on_node, kthread_create_on_cpu, kthread_run_on_cpu};
position pk;
@@
kf@pk(fn, ...)

@script:python@
fn << kthread.fn;
pk << kthread.pk;
@@
KTHREADS.add((pk[0].file, fn))

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

@retc depends on cookie@
identifier cookie.a;
position pr;
@@
return@pr <+... a ...+>;

@script:python@
pr << retc.pr;
@@
RETC.add((pr[0].file, pr[0].line, pr[0].column))

@thread depends on gate && !patch exists@
identifier c, fn;
identifier sv = {memalloc_nofs_save, memalloc_noio_save, memalloc_flags_save};
type T;
position p1 != {store.p, cond.ps};
position p2 : script:python() { real_end(p2) and in_kthread(p2) };
@@
fn(...) {
... when any
(
T c = sv@p1(...);
|
c = sv@p1(...);
)
... when != c
return@p2 ...;
}

@script:python depends on report || org || facts@
p1 << thread.p1;
p2 << thread.p2;
sv << thread.sv;
fn << thread.fn;
@@
emit(p1[0], "scope provider: %s() in kernel thread function %s() is not restored before the thread returns at line %s: a thread-long scope, ended by the thread's exit"
     % (sv, fn, p2[0].line), {"provider": "thread", "fn": p1[0].current_element})

// Patch mode has nothing to change; this keeps spatch -D patch (and make
// coccicheck MODE=patch) from failing with "No rules apply".
@script:python depends on gate && patch@
@@
pass
