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
// Confidence: Moderate. The checks are intraprocedural and path-insensitive.
//   A save and a restore under the same condition in two separate ifs
//   (if (x) c = save(); ... if (x) restore(c);, as in mm/vmalloc.c) is taken
//   as balanced and left out of every check, so a bug inside such a scope is
//   missed; a cookie handed to another function (foo(c)) is taken as
//   restored by it; paths past an infinite loop without a break, and the
//   return of a function started with kthread_run()/kthread_create() in the
//   same file (a thread-long scope, reported as a provider), are not bugs.
// Copyright: (C) 2026 gfpscope authors
// Comments: memalloc_noreclaim_save() and memalloc_pin_save() are not
//   checked, nor scopes whose PF_ flag hides behind a macro
//   (kernel/sys.c: current->flags |= PR_IO_FLUSHER). A cookie initialised
//   to 0 and restored on a path that did not save (drivers/md) is taken as
//   the no-op it is with memalloc_flags_restore() (v6.12); with the older
//   restore (v6.1: current->flags = (current->flags & ~PF_MEMALLOC_NOFS) |
//   flags) it clears the flag, ending a scope the caller had opened.
//   Report and org modes print bugs and "scope provider:" lines; context
//   mode marks the bugs only; there is no patch mode (the fix depends on
//   where the scope should end): patch mode prints nothing.
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

def kind(f):
    """nofs, noio or flags, from a memalloc_*_save/restore name."""
    return f.split('_')[1]

def restore_of(sv):
    return sv.replace('_save', '_restore')

def save_of(rv):
    return rv.replace('_restore', '_save')

def getline(path, line):
    """Line line of path as gfplex and spatch number lines (only \n ends one), its bytes
    read as Latin-1 so that a column (a byte offset) indexes it; linecache decodes UTF-8
    and returns '' for a file that is not."""
    if path not in FILES:
        try:
            with open(path, "rb") as f:
                FILES[path] = f.read().split(b"\n")
        except OSError:
            FILES[path] = []
    lines = FILES[path]
    return lines[line - 1].decode("latin-1") if 0 < line <= len(lines) else ""


FILES = {}

def tidy(e):
    """An expression as written in C: spatch prints 'h -> ctx'."""
    return re.sub(r'\s*(->|\.)\s*', r'\1', e).strip()

def is_end(p):
    """True when a return position is the implicit return at the final }."""
    text = getline(p.file, int(p.line))
    return 'return' not in text

def path_end(p, fn):
    if is_end(p):
        return 'the path reaching the end of %s() at line %s' % (fn, p.line)
    return 'the path returning at line %s' % p.line

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

def emit(p, msg, fact=None):
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

// ---------------------------------------------------------------- providers

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

@script:python depends on report || org || facts@
p << pf.p2;
f << pf.f;
@@
emit(p[0], "scope provider: %s cleared directly in current->flags in %s(); it ends a scope opened elsewhere"
     % (f, p[0].current_element), {"provider": "stop", "fn": p[0].current_element, "clears": f})

// Restores of a cookie that comes from elsewhere.
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
if re.match(r'^\(?\s*[0-9]', E):
    emit(p[0], "%s(%s) does not restore a cookie from %s(): pass the value the matching save returned"
         % (rv, E, save_of(rv)))
else:
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
if re.match(r'^\(?\s*[0-9]', E):
    # "unsigned int noio_flags = 0;": the restore of 0 on a path that did
    # not save is a no-op, an idiom for scopes opened under a condition
    pass
else:
    emit(p[0], "scope provider: %s() in %s() restores the cookie it read from %s into %s; the matching save is elsewhere"
         % (rv, p[0].current_element, tidy(E), c),
         {"provider": "stop", "fn": p[0].current_element, "restore": rv, "from": tidy(E)})

// --------------------------------------------------------------------- bugs

// A scope opened in one if and closed in a later one, as in
// "if (nofs) flags = memalloc_nofs_save(); ... if (nofs) memalloc_nofs_restore(flags);"
// (mm/vmalloc.c, fs/namei.c, drivers/md/md.c): balanced when the two
// conditions agree, which spatch cannot tell path by path. Left out of
// every check.
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

// Infinite loops without a break: spatch's control flow graph lets them
// exit, so paths past them are not real.
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

// Kernel thread functions started in this file: a scope they open may last
// until the thread exits.
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

// Every local cookie variable, and the returns that hand one to the caller
// (those are providers, see escape above).
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

// 1. Not restored on some path to a return (or to the end of the function).
@unrestored depends on gate && !patch exists@
identifier c, fn;
identifier sv = {memalloc_nofs_save, memalloc_noio_save, memalloc_flags_save};
type T;
position p1 != {store.p, cond.ps};
position p2 : script:python() { real_end(p2) and not in_kthread(p2) };
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
p1 << unrestored.p1;
p2 << unrestored.p2;
c << unrestored.c;
sv << unrestored.sv;
fn << unrestored.fn;
@@
emit(p1[0], "%s() at line %s is not restored on %s: add %s(%s) on that path"
     % (sv, p1[0].line, path_end(p2[0], fn), restore_of(sv), c))

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

// 2a. A restore whose cookie was already restored: it closes nothing, or
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

@script:python depends on report || org || facts@
p1 << twice.p1;
p2 << twice.p2;
c << twice.c;
rv2 << twice.rv2;
@@
emit(p2[0], "%s(%s) at line %s uses cookie %s already restored at line %s: it does not belong to the scope open here; pass the cookie of the save that opened this scope, or drop the duplicate restore"
     % (rv2, c, p2[0].line, c, p1[0].line))

// 2b. A restore whose cookie variable was never set by a save on some path.
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

@script:python depends on report || org || facts@
p << unset.p;
c << unset.c;
rv << unset.rv;
@@
emit(p[0], "%s(%s) at line %s: %s holds no cookie from a memalloc_*_save() on some path to it: pass the cookie the save that opened this scope returned"
     % (rv, c, p[0].line, c))

// 3. nofs save closed by a noio restore, or the reverse.
@mismatch depends on gate && !patch exists@
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

@script:python depends on report || org || facts@
p1 << mismatch.p1;
p2 << mismatch.p2;
c << mismatch.c;
@@
emit(p2[0], "memalloc_noio_restore(%s) at line %s closes the memalloc_nofs_save() scope opened at line %s: use memalloc_nofs_restore(%s)"
     % (c, p2[0].line, p1[0].line, c))

@mismatch2 depends on gate && !patch exists@
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

@script:python depends on report || org || facts@
p1 << mismatch2.p1;
p2 << mismatch2.p2;
c << mismatch2.c;
@@
emit(p2[0], "memalloc_nofs_restore(%s) at line %s closes the memalloc_noio_save() scope opened at line %s: use memalloc_noio_restore(%s)"
     % (c, p2[0].line, p1[0].line, c))

// 4. Nested scopes closed out of order: the outer cookie is restored while
// the inner scope is still open.
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

@script:python depends on report || org || facts@
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

// 5. The cookie variable is overwritten while its scope is open.
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

@script:python depends on report || org || facts@
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
identifier sv;
position unrestored.p1;
@@
* sv@p1(...)

@depends on gate && context@
identifier rv;
position p = {twice.p2, mismatch.p2, mismatch2.p2, order.pr};
@@
* rv@p(...)

@depends on gate && context@
identifier rv;
position unset.p;
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
