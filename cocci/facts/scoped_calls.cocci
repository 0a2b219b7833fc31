// SPDX-License-Identifier: GPL-2.0-only
/// Facts for gfpscope's interprocedural analysis: the call sites, and the
/// return statements, that run inside a memalloc_nofs/noio scope opened in
/// the same function, on every path that reaches them (and, in the
/// driver's generated copy, the return statements: see regions.py).
///
/// Not a coccicheck rule: scripts/gfpscope runs it on the files that open a
/// scope and reads the GFPSCOPE lines. The proof is the one of
/// cocci/gfp_scope_redundant.cocci, with "a call" in place of "a GFP_NOFS
/// token": a call is covered when some start reaches it with no start or
/// scope-ending event in between (cand), and no path reaches it from the
/// function entry without a start (u1) or from an ending event without a
/// start after it (u2). The list of ending events is that rule's.
///
/// A start is one of
///  - a plain start, which cannot fail: memalloc_nofs/noio_save(), and
///    the providers the driver discovered that open a scope on every path
///    (sv; xfs_trans_set_context(), fsnotify_group_lock(), ...);
///  - current->flags |= PF_MEMALLOC_NOFS/NOIO;
///  - a checked start, which may fail and opens the scope only when it
///    succeeds (ckp returns a pointer: jbd2__journal_start(); cki returns
///    an int error: xfs_trans_alloc()). It counts only in the shape
///        x = ck(...); if (<x failed>) <return or goto>
///    (the failure branch may be a block that ends in return or goto and
///    holds no break or continue). The calls a failure branch's goto
///    reaches are refuted (ulab), and a function that calls a checked
///    start in any other shape proves nothing (bad_shape).
/// The driver fills in sv, ckp, cki, ck and rf; as written here the rule
/// knows only the memalloc API.
///
/// The three rules that match a checked start's failure test (cand,
/// ulab_goto, good_shape) disable the isomorphisms not_int2 (X => X != 0)
/// and not_ptr2 (X => X != NULL): the tests are spelled out, and with those
/// isomorphisms spatch spent 7-10 s compiling the rule in every process,
/// before reading a file. All three disable the same ones, so a failure
/// test none of them knows makes the function prove nothing (bad_shape),
/// never a call covered that is not.
//
// Confidence: High
// Options: --no-includes --include-headers

@initialize:python@
@@
import json
import re
scall_bad = set()
scall_bad_fn = set()
scall_good = set()
scall_files = {}

def scall_getline(path, line):
    """Line line of path as gfplex and spatch number lines (only \n ends one), its bytes
    read as Latin-1 so that a column (a byte offset) indexes it; linecache decodes UTF-8
    and returns '' for a file that is not."""
    if path not in scall_files:
        try:
            with open(path, "rb") as f:
                scall_files[path] = f.read().split(b"\n")
        except OSError:
            scall_files[path] = []
    lines = scall_files[path]
    return lines[line - 1].decode("latin-1") if 0 < line <= len(lines) else ""

def scall_key(p):
    return (p[0].file, p[0].line, p[0].column)

def scall_opener(ps):
    """The start's name, read at its position (the disjunction binds one of several metavariables)."""
    text = scall_getline(ps[0].file, int(ps[0].line))[int(ps[0].column):]
    if text.startswith("current"):
        return "PF_MEMALLOC_NOIO" if "PF_MEMALLOC_NOIO" in text else "PF_MEMALLOC_NOFS"
    m = re.match(r"[A-Za-z_]\w*", text)
    return m.group(0) if m else "?"

@cand disable not_int2, not_ptr2 exists@
position ps, p;
expression c, c2, E;
type T, T2, Tc;
identifier x, x2, x3, l;
identifier g !~ "^(memalloc_|current_restore_flags)";
identifier sv =~ "^(memalloc_nofs_save|memalloc_noio_save)$";
identifier ckp =~ "^(gfpscope_no_checked_start)$";
identifier cki =~ "^(gfpscope_no_checked_start)$";
symbol current;
identifier rf =~ "^(memalloc_[A-Za-z0-9_]+_restore|current_restore_flags[A-Za-z0-9_]*|stop_this_handle|jbd2_journal_stop|jbd2__journal_restart|jbd2_journal_restart|jbd2_journal_free_reserved|ext4_journal_stop|__ext4_journal_stop|ocfs2_commit_trans|xfs_trans_commit|xfs_trans_cancel|xfs_trans_free|xfs_trans_clear_context|cifs_server_unlock|ext4_writepages_up_read|ext4_writepages_up_write|fsnotify_group_unlock)$";
@@

(
c = sv@ps(...);
|
T x2 = sv@ps(...);
|
sv@ps(...);
|
current@ps->flags |= \(PF_MEMALLOC_NOFS\|PF_MEMALLOC_NOIO\);
|
\(x = ckp@ps(...);\|Tc x = ckp@ps(...);\)
(
if (\(IS_ERR(x)\|IS_ERR_OR_NULL(x)\|!x\|x == NULL\)) \(return ...;\|goto l;\)
|
if (\(IS_ERR(x)\|IS_ERR_OR_NULL(x)\|!x\|x == NULL\)) {
  ... when != break;
      when != continue;
  \(return ...;\|goto l;\)
}
)
|
\(x = cki@ps(...);\|Tc x = cki@ps(...);\)
(
if (\(x\|x < 0\|x != 0\)) \(return ...;\|goto l;\)
|
if (\(x\|x < 0\|x != 0\)) {
  ... when != break;
      when != continue;
  \(return ...;\|goto l;\)
}
)
)
... when != c2 = sv(...)
    when != T2 x3 = sv(...);
    when != sv(...)
    when != current->flags |= E
    when != x2 = ckp(...)
    when != x2 = cki(...)
    when != rf(...)
    when != current->flags = E
    when != current->flags &= E
    when != current->flags ^= E
    when any
g@p(...)

@u1 exists@
position cand.p, q;
identifier fn, g, x3;
expression x, c2, E;
type T2;
identifier sv =~ "^(memalloc_nofs_save|memalloc_noio_save)$";
identifier ckp =~ "^(gfpscope_no_checked_start)$";
identifier cki =~ "^(gfpscope_no_checked_start)$";
@@

fn(...) {
... when != c2 = sv(...)
    when != T2 x3 = sv(...);
    when != sv(...)
    when != current->flags |= E
    when != x = ckp(...)
    when != x = cki(...)
    when any
g@p@q(...)
... when any
}

@u2 exists@
position cand.p, q;
expression x, c2, E;
identifier g, x3;
type T2;
identifier sv =~ "^(memalloc_nofs_save|memalloc_noio_save)$";
identifier ckp =~ "^(gfpscope_no_checked_start)$";
identifier cki =~ "^(gfpscope_no_checked_start)$";
identifier rf =~ "^(memalloc_[A-Za-z0-9_]+_restore|current_restore_flags[A-Za-z0-9_]*|stop_this_handle|jbd2_journal_stop|jbd2__journal_restart|jbd2_journal_restart|jbd2_journal_free_reserved|ext4_journal_stop|__ext4_journal_stop|ocfs2_commit_trans|xfs_trans_commit|xfs_trans_cancel|xfs_trans_free|xfs_trans_clear_context|cifs_server_unlock|ext4_writepages_up_read|ext4_writepages_up_write|fsnotify_group_unlock)$";
symbol current;
@@

(
rf(...)
|
current->flags = E
|
current->flags &= E
|
current->flags ^= E
)
... when != c2 = sv(...)
    when != T2 x3 = sv(...);
    when != sv(...)
    when != current->flags |= E
    when != x = ckp(...)
    when != x = cki(...)
    when any
g@p@q(...)

@ulab_goto disable not_int2, not_ptr2 exists@
identifier x, l;
type Tc;
identifier ckp =~ "^(gfpscope_no_checked_start)$";
identifier cki =~ "^(gfpscope_no_checked_start)$";
@@

(
\(x = ckp(...);\|Tc x = ckp(...);\)
if (\(IS_ERR(x)\|IS_ERR_OR_NULL(x)\|!x\|x == NULL\)) \(goto l;\|{ <+... goto l; ...+> }\)
|
\(x = cki(...);\|Tc x = cki(...);\)
if (\(x\|x < 0\|x != 0\)) \(goto l;\|{ <+... goto l; ...+> }\)
)

@ulab exists@
identifier ulab_goto.l;
position cand.p, q;
identifier g;
@@

l:
... when any
g@p@q(...)

@good_shape disable not_int2, not_ptr2@
identifier x, l;
type Tc;
identifier ckp =~ "^(gfpscope_no_checked_start)$";
identifier cki =~ "^(gfpscope_no_checked_start)$";
position pg;
@@

(
\(x = ckp@pg(...);\|Tc x = ckp@pg(...);\)
(
if (\(IS_ERR(x)\|IS_ERR_OR_NULL(x)\|!x\|x == NULL\)) \(return ...;\|goto l;\)
|
if (\(IS_ERR(x)\|IS_ERR_OR_NULL(x)\|!x\|x == NULL\)) {
  ... when != break;
      when != continue;
  \(return ...;\|goto l;\)
}
)
|
\(x = cki@pg(...);\|Tc x = cki@pg(...);\)
(
if (\(x\|x < 0\|x != 0\)) \(return ...;\|goto l;\)
|
if (\(x\|x < 0\|x != 0\)) {
  ... when != break;
      when != continue;
  \(return ...;\|goto l;\)
}
)
)

@any_checked@
identifier ck =~ "^(gfpscope_no_checked_start)$";
position pa;
@@

ck@pa(...)

@script:python@
q << u1.q;
@@
scall_bad.add(scall_key(q))

@script:python@
q << u2.q;
@@
scall_bad.add(scall_key(q))

@script:python@
q << ulab.q;
@@
scall_bad.add(scall_key(q))

@script:python@
pg << good_shape.pg;
@@
scall_good.add(scall_key(pg))

@script:python@
pa << any_checked.pa;
@@
# a checked start in any other shape: the function's calls prove nothing
if scall_key(pa) not in scall_good:
    scall_bad_fn.add((pa[0].file, pa[0].current_element))

@script:python@
p << cand.p;
ps << cand.ps;
@@
k = scall_key(p)
if k not in scall_bad and (p[0].file, p[0].current_element) not in scall_bad_fn:
    text = scall_getline(p[0].file, int(p[0].line))[int(p[0].column):]
    what = "return" if re.match(r"return\b", text) else "call"
    m = re.match(r"[A-Za-z_]\w*", text)
    # one line per covering start: the driver takes the call as noio-covered
    # only if every start that reaches it is a noio one
    print("GFPSCOPE " + json.dumps({"t": "scall", "what": what, "file": p[0].file,
          "line": int(p[0].line), "col": int(p[0].column), "callee": m.group(0) if m else "?",
          "caller": p[0].current_element, "save_line": int(ps[0].line),
          "opener": scall_opener(ps)}))
