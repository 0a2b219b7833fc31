// SPDX-License-Identifier: GPL-2.0-only
/// Find memalloc_nofs_save()/memalloc_noio_save()/memalloc_flags_save()
/// scopes that are not restored on some path to a return: the task stays in
/// NOFS/NOIO mode after the function returns.
//# The check is intraprocedural and path-insensitive. A save and a restore
//# under the same condition in two separate ifs (if (x) c = save(); ...
//# if (x) restore(c);, as in mm/vmalloc.c) is taken as balanced, so a path
//# that leaves such a scope open is missed. A cookie handed to another
//# function (foo(c)) is taken as restored by it. Paths past an infinite
//# loop without a break are not real. Scopes meant to outlive the function
//# are not reported here but by gfp_scope_provider.cocci: a cookie stored
//# in a field or global, or returned, and the scope of a function this file
//# starts with kthread_run()/kthread_create(), which lasts until the thread
//# exits.
//
// Confidence: Moderate
// Copyright: (C) 2026 gfpscope authors
// Comments: memalloc_noreclaim_save() and memalloc_pin_save() are not
//   checked. Report and org modes print one line per save and path end;
//   context mode marks the save; there is no patch mode (where the restore
//   belongs depends on the path): patch mode prints nothing.
// Options: --no-includes --include-headers

virtual patch
virtual context
virtual org
virtual report

@initialize:python@
@@
import re

MODE = ['report']
FOREVER = {}
KTHREADS = set()
RETC = set()
FILES = {}

def restore_of(sv):
    return sv.replace('_save', '_restore')

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

def is_end(p):
    """True when a return position is the implicit return at the final }."""
    return 'return' not in getline(p.file, int(p.line))

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

// A cookie stored into anything but a local variable (a field, a global,
// *ptr, an array element) is gfp_scope_provider.cocci's "stored" provider:
// its scope outlives the function by design. The provider rule's match,
// repeated here (rules cannot see another file's matches) to leave it out.
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
// until the thread exits (gfp_scope_provider.cocci reports those).
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
// (gfp_scope_provider.cocci's "returned" providers).
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

// Not restored on some path to a return (or to the end of the function).
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

@script:python depends on report || org@
p1 << unrestored.p1;
p2 << unrestored.p2;
c << unrestored.c;
sv << unrestored.sv;
fn << unrestored.fn;
@@
emit(p1[0], "%s() at line %s is not restored on %s: add %s(%s) on that path"
     % (sv, p1[0].line, path_end(p2[0], fn), restore_of(sv), c))

@depends on gate && context@
identifier sv;
position unrestored.p1;
@@
* sv@p1(...)

// Patch mode has nothing to change; this keeps spatch -D patch (and make
// coccicheck MODE=patch) from failing with "No rules apply".
@script:python depends on gate && patch@
@@
pass
