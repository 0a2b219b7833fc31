// SPDX-License-Identifier: GPL-2.0-only
/// Facts for gfpscope's interprocedural analysis: the call sites that run
/// inside a memalloc_nofs/noio scope opened in the same function, on every
/// path that reaches them.
///
/// Not a coccicheck rule: scripts/gfpscope runs it on the files that open a
/// scope and reads the GFPSCOPE lines. The proof is the one of
/// cocci/gfp_scope_redundant.cocci, with "a call" in place of "a GFP_NOFS
/// token": a call is covered when some save reaches it with no save or
/// scope-clearing event in between (cand), and no path reaches it from the
/// function entry without a save (u1) or from a clearing event without a
/// save after it (u2). The list of clearing events is that rule's.
//
// Confidence: High
// Options: --no-includes --include-headers

@initialize:python@
@@
import json
scall_bad = set()
scall_nofs_saves = set()

def scall_key(p):
    return (p[0].file, p[0].line, p[0].column)

@cand exists@
position ps, p;
expression c, c2, E;
type T, T2;
identifier x, x2;
identifier g !~ "^(memalloc_|current_restore_flags)";
symbol current;
identifier rf =~ "^(memalloc_[A-Za-z0-9_]+_restore|current_restore_flags[A-Za-z0-9_]*|stop_this_handle|jbd2_journal_stop|jbd2__journal_restart|jbd2_journal_restart|jbd2_journal_free_reserved|ext4_journal_stop|__ext4_journal_stop|ocfs2_commit_trans|xfs_trans_commit|xfs_trans_cancel|xfs_trans_free|xfs_trans_clear_context|cifs_server_unlock|ext4_writepages_up_read|ext4_writepages_up_write|fsnotify_group_unlock)$";
@@

(
c = \(memalloc_nofs_save@ps\|memalloc_noio_save@ps\)();
|
T x = \(memalloc_nofs_save@ps\|memalloc_noio_save@ps\)();
|
\(memalloc_nofs_save@ps\|memalloc_noio_save@ps\)();
)
... when != c2 = \(memalloc_nofs_save\|memalloc_noio_save\)();
    when != T2 x2 = \(memalloc_nofs_save\|memalloc_noio_save\)();
    when != \(memalloc_nofs_save\|memalloc_noio_save\)();
    when != rf(...)
    when != current->flags = E
    when != current->flags &= E
    when != current->flags ^= E
    when any
g@p(...)

@u1 exists@
position cand.p, q;
identifier fn, g;
expression c;
type T;
identifier x;
@@

fn(...) {
... when != c = \(memalloc_nofs_save\|memalloc_noio_save\)();
    when != T x = \(memalloc_nofs_save\|memalloc_noio_save\)();
    when != \(memalloc_nofs_save\|memalloc_noio_save\)();
    when any
g@p@q(...)
... when any
}

@u2 exists@
position cand.p, q;
expression c, E;
type T;
identifier x, g;
symbol current;
identifier rf =~ "^(memalloc_[A-Za-z0-9_]+_restore|current_restore_flags[A-Za-z0-9_]*|stop_this_handle|jbd2_journal_stop|jbd2__journal_restart|jbd2_journal_restart|jbd2_journal_free_reserved|ext4_journal_stop|__ext4_journal_stop|ocfs2_commit_trans|xfs_trans_commit|xfs_trans_cancel|xfs_trans_free|xfs_trans_clear_context|cifs_server_unlock|ext4_writepages_up_read|ext4_writepages_up_write|fsnotify_group_unlock)$";
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
... when != c = \(memalloc_nofs_save\|memalloc_noio_save\)();
    when != T x = \(memalloc_nofs_save\|memalloc_noio_save\)();
    when != \(memalloc_nofs_save\|memalloc_noio_save\)();
    when any
g@p@q(...)

@nofs_save@
position cand.ps;
position q;
@@
memalloc_nofs_save@ps@q()

@script:python@
q << u1.q;
@@
scall_bad.add(scall_key(q))

@script:python@
q << u2.q;
@@
scall_bad.add(scall_key(q))

@script:python@
q << nofs_save.q;
@@
scall_nofs_saves.add(scall_key(q))

@script:python@
p << cand.p;
ps << cand.ps;
g << cand.g;
@@
k = scall_key(p)
if k not in scall_bad:
    # one line per covering save: the driver takes the call as noio-covered
    # only if every save that reaches it is a noio one
    kind = "nofs" if scall_key(ps) in scall_nofs_saves else "noio"
    print("GFPSCOPE " + json.dumps({"t": "scall", "file": p[0].file, "line": int(p[0].line),
          "col": int(p[0].column), "callee": g, "caller": p[0].current_element,
          "save_line": int(ps[0].line), "kind": kind}))
