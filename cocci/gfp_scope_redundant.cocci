// SPDX-License-Identifier: GPL-2.0-only
/// Replace GFP_NOFS/GFP_NOIO by GFP_KERNEL inside a memalloc scope.
///
/// Since Linux 4.12, memalloc_nofs_save() and memalloc_noio_save() mark a
/// critical section in which every allocation implicitly drops __GFP_FS
/// (and, for noio, __GFP_IO too); current_gfp_context() applies the
/// restriction in the page and slab allocators. An explicit GFP_NOFS passed
/// to an allocator while such a scope, opened in the same function, is
/// still open on every path that reaches the call is redundant, and so is
/// GFP_NOIO inside a noio scope: both can be GFP_KERNEL, which documents
/// that the scope, not the call site, carries the constraint
/// (Documentation/core-api/gfp_mask-from-fs-io.rst). Only the GFP_NOFS or
/// GFP_NOIO token is replaced: modifiers such as __GFP_NOFAIL stay. GFP_NOIO
/// inside a nofs-only scope is not redundant and is left alone.
///
// Confidence: High. A site is converted only if every control-flow path
//  from the function's entry to it passes through a memalloc_nofs_save()
//  or memalloc_noio_save() statement that is not followed, on that path,
//  by anything that can clear the flag (see below), and only if the flag
//  is consumed on the spot by a known allocation API.
// Copyright: (C) 2026 gfpscope authors
// Comments:
//  How "open on every path" is computed. Coccinelle's forall quantifier
//  follows paths forwards from the first element of a pattern, so
//  "save ... GFP_NOFS" without exists would demand that every path from
//  the save reaches an allocation, which is the wrong question (and it
//  still says nothing about paths that reach the allocation without the
//  save). The question is backwards: do all paths from the function entry
//  to the site go through the save? This rule answers it by refutation,
//  with two exists rules per flag that look for a path on which the site
//  is NOT covered, and converts only the candidates neither finds:
//   cand_*: the site, reached from some save with no save or flag-clearing
//           event in between (this names the innermost covering save);
//   u1_*:   a path from the function entry to the site that passes through
//           no save statement at all (conditional save, save in one branch,
//           goto from before the save to a label in the scope, first
//           iteration of a loop whose save comes later in the body);
//   u2_*:   a path from a flag-clearing event to the site that passes
//           through no save statement (allocation after the restore, early
//           restore on an error path, inner nested scope already closed).
//  If neither exists, then on every path the last save statement before
//  the site is followed by no clearing event, so the task flag is set when
//  the site runs. A "save statement" is only the plain statement forms
//  "x = memalloc_nofs_save();", "T x = memalloc_nofs_save();" and
//  "memalloc_nofs_save();": a save hidden in a ternary or a && is not one,
//  so it cannot cover anything. A clearing event is liberal: any call to
//  memalloc_*_restore() (a restore with a foreign cookie clears whatever
//  bits that cookie holds), current_restore_flags*(), a write to
//  current->flags, or a call to a known helper that ends a scope opened
//  elsewhere (jbd2/ext4 journal stop, xfs transaction commit/cancel, the
//  cifs/ext4/fsnotify unlock helpers that restore a nofs cookie).
//  For GFP_NOIO only memalloc_noio_save() covers.
//  The consuming call must be on an explicit list of allocation APIs that
//  use the flag at once, through the page/slab allocators that apply the
//  scope (kmalloc & co, kmem_cache_alloc, kvmalloc, __vmalloc, alloc_pages,
//  folio_alloc, mempool_alloc, radix_tree_preload, idr/ida/xa allocation,
//  kstrdup/kmemdup, bio_alloc, page-cache and buffer-head allocators,
//  percpu_counter_init, ...), and the flags argument must be a plain flag
//  expression: identifiers joined by |, optionally masked with & ~__GFP_*.
//  A subsystem's own "*_alloc*(..., GFP_NOFS)" helper is not trusted (it
//  could keep the flag in an object for later), nor is a flag stored for
//  later (mapping_set_gfp_mask, an assignment, a return), compared, or
//  handed to a callee that interprets __GFP_FS itself (->release_folio).
//  Known false negatives: a site after an inner nested scope of the same
//  kind is closed (the inner restore counts as a clearing event even
//  though the outer scope is still open); scopes opened by the caller or
//  by a lock/transaction helper; calls through function pointers.
//  Macros: a macro of the same file whose body restores a cookie, calls
//  a scope-ending helper or writes current->flags (directly, in a
//  statement expression or a do { } while (0), or through one more such
//  definition) is a clearing event where it is called.
//  Same statement: u1 and u2 go from node to node, so a clearing event in
//  the control-flow node of the site is refuted apart: in its expression
//  (the site in the argument of such a macro, which may run it after the
//  restore; beside a restore; a restore in the argument of the allocator),
//  in another declarator, in the init of a for header whose condition
//  holds the site, in the header of an iterator, or a macro of the file
//  read as a declarer. A site in the argument of a function of the list
//  that the file does not #define stays covered: C runs the argument first.
//# Run alone (make coccicheck), the rule sees only the macros of the file:
//# a header macro that ends a scope, or a function in another file that
//# does, is not seen. gfpscope scan knows both (the call graph of the tree and
//# its macros), and also refuses a region that calls a name defined
//# nowhere in the tree. A macro that hides a goto is not seen.
// Options: --no-includes --include-headers

virtual patch
virtual context
virtual org
virtual report
// facts: the covered sites as GFPSCOPE JSON lines (what gfpscope scan reads)
virtual facts

@initialize:python@
@@
import json
import re

# A flags argument that is only flags: identifiers (GFP_*, __GFP_*, a
# gfp_t variable), casts and parentheses joined by |, plus & ~__GFP_X
# masks. No call (its result could be anything), no comparison, no
# logical operator, no arithmetic.
_mask_off = re.compile(r"&~(?:__GFP_\w+|\(__GFP_\w+(?:\|__GFP_\w+)*\))")

def gfpscope_clean_flags(arg):
    s = re.sub(r"\s+", "", arg)
    s = _mask_off.sub("", s)
    if not re.fullmatch(r"[\w|()]+", s):
        return False
    if "||" in s or re.search(r"\w\(", s):
        return False
    return True

def gfpscope_key(p):
    return (p[0].file, p[0].line, p[0].column)

# Sets keyed by (file, line, column); a file's keys never clash with
# another file's, so nothing needs resetting between files.
gfpscope_bad = set()        # sites with a path on which they are not covered
gfpscope_ok = set()         # sites to convert / report
gfpscope_best = {}          # site -> (line, column) of the covering save
gfpscope_pending = {}       # site -> (position, message), for this file
gfpscope_macro_ends = set() # macros of this file that restore a cookie or clear the flag
gfpscope_ended = {}         # facts mode: site -> (save line, col) of a save a clearing event follows

def gfpscope_pf_set(e):
    """The PF_ constants flags are made of, or None: only constants joined by |, in
    parentheses or not (a variable, a mask, a condition or a call could be anything)."""
    s = re.sub(r"/\*.*?\*/", "", str(e), flags=re.S)
    s = re.sub(r"[\s()]", "", s)
    if not re.fullmatch(r"PF_\w+(\|PF_\w+)*", s):
        return None
    return set(s.split("|"))

def gfpscope_pf_nofs(e):
    """The flags open a scope that covers GFP_NOFS: PF_MEMALLOC_NOFS or _NOIO is one of
    them (PF_MEMALLOC_PIN, PF_MEMALLOC and the like open none)."""
    f = gfpscope_pf_set(e)
    return bool(f and f & {"PF_MEMALLOC_NOFS", "PF_MEMALLOC_NOIO"})

def gfpscope_pf_noio(e):
    """The flags open a scope that covers GFP_NOIO: PF_MEMALLOC_NOIO is one of them."""
    f = gfpscope_pf_set(e)
    return bool(f and "PF_MEMALLOC_NOIO" in f)

def gfpscope_saver(ps):
    """What opens the scope at ps, read from the file (bytes: a column is a byte offset,
    and the file need not be UTF-8): memalloc_nofs_save, memalloc_noio_save,
    memalloc_flags_save, or current->flags for a direct write."""
    try:
        with open(ps[0].file, "rb") as f:
            line = f.read().split(b"\n")[int(ps[0].line) - 1]
    except (OSError, IndexError):
        return "memalloc_nofs_save"
    text = line[int(ps[0].column):]
    for name in (b"memalloc_noio_save", b"memalloc_flags_save", b"current"):
        if text.startswith(name):
            return "current->flags" if name == b"current" else name.decode()
    return "memalloc_nofs_save"

def gfpscope_opened_by(ps):
    """How the report names the opener at ps."""
    s = gfpscope_saver(ps)
    return "a write to current->flags" if s == "current->flags" else s + "()"

def gfpscope_covered(p, ps):
    """Record ps as a covering save of p; True if p is convertible."""
    k = gfpscope_key(p)
    if k in gfpscope_bad:
        return False
    gfpscope_ok.add(k)
    s = (int(ps[0].line), int(ps[0].column))
    if k not in gfpscope_best or s < gfpscope_best[k]:
        gfpscope_best[k] = s
    return True

def gfpscope_message(p, ps, flag):
    """Queue the report line for p, naming its first covering save."""
    k = gfpscope_key(p)
    s = (int(ps[0].line), int(ps[0].column))
    if k not in gfpscope_ok or gfpscope_best.get(k) != s:
        return
    saver = gfpscope_saver(ps)
    gfpscope_pending[k] = (p[0], "%s is redundant: covered by %s at line %s; use GFP_KERNEL" % (
        flag, gfpscope_opened_by(ps), ps[0].line), {"t": "covered", "file": p[0].file, "line": int(p[0].line),
        "col": int(p[0].column), "flag": flag, "save": saver, "save_line": int(ps[0].line)})

# Same node. u1 and u2 follow paths from node to node, so a clearing event in the
# control-flow node of the site is not between the save and the site: a macro may run its argument
# after it ends the scope (#define end_then(c, x) ({ memalloc_nofs_restore(c); x; })), and
# the operands of an expression, the arguments of a call and the declarators of a
# declaration run in any order. Such a site is not covered, unless it lies in the
# arguments of a call to a function of the list (rf) that this file does not #define: a
# function evaluates its arguments before it runs.
gfpscope_same = {}      # site -> {clearing events in its expression}
gfpscope_inarg = set()  # (site, event): the site is in the arguments of a listed function
gfpscope_decls = {}     # file -> [(line, col, line_end, col_end)] of its declarations
gfpscope_events = {}    # file -> {its clearing events}
gfpscope_node_bad = set()  # sites refuted by an event in their node (for the facts)
gfpscope_iter_t = {}    # site -> {iterators whose header holds it}
gfpscope_iter_e = set() # iterators whose header holds a clearing event
gfpscope_lines = {}
# the scope-ending calls of the list, as the rules below write them (identifier rf =~)
gfpscope_rf = re.compile(r"^(memalloc_[A-Za-z0-9_]+_restore|current_restore_flags[A-Za-z0-9_]*|stop_this_handle|jbd2_journal_stop|jbd2__journal_restart|jbd2_journal_restart|jbd2_journal_free_reserved|ext4_journal_stop|__ext4_journal_stop|ocfs2_commit_trans|xfs_trans_commit|xfs_trans_cancel|xfs_trans_free|xfs_trans_clear_context|cifs_server_unlock|ext4_writepages_up_read|ext4_writepages_up_write|fsnotify_group_unlock)$")

def gfpscope_k(p):
    return (p[0].file, int(p[0].line), int(p[0].column))

def gfpscope_extent(p):
    return (int(p[0].line), int(p[0].column), int(p[0].line_end), int(p[0].column_end))

def gfpscope_inside(k, ext):
    return (ext[0], ext[1]) <= (k[1], k[2]) <= (ext[2], ext[3])

def gfpscope_text(path):
    """The file as text (bytes read as Latin-1: a column is a byte offset), and its lines."""
    if path not in gfpscope_lines:
        try:
            with open(path, "rb") as f:
                text = f.read().decode("latin-1")
        except OSError:
            text = ""
        gfpscope_lines[path] = (text, text.split("\n"))
    return gfpscope_lines[path]

def gfpscope_name_at(k):
    lines = gfpscope_text(k[0])[1]
    line = lines[k[1] - 1] if 0 < k[1] <= len(lines) else ""
    m = re.match(r"[A-Za-z_]\w*", line[k[2]:])
    return m.group(0) if m else ""

def gfpscope_plain_function(k):
    """The listed call at k is a function: not a macro of this file."""
    name = gfpscope_name_at(k)
    return name not in gfpscope_macro_ends and not re.search(
        r"(?m)^[ \t]*#[ \t]*define[ \t]+%s\b" % re.escape(name), gfpscope_text(k[0])[0])

gfpscope_cands = set()  # the sites a save reaches (cand_nofs, cand_noio)

def gfpscope_holds_cand(pd):
    """The declaration at pd holds a site a save reaches."""
    ext = gfpscope_extent(pd)
    return any(c[0] == pd[0].file and gfpscope_inside(c, ext) for c in gfpscope_cands)

def gfpscope_in_decl(pe):
    k = gfpscope_k(pe)
    return any(gfpscope_inside(k, ext) for ext in gfpscope_decls.get(k[0], ()))

def gfpscope_same_node(k):
    """A clearing event in the node of site k that is not known to run after it, or None."""
    events = set(gfpscope_same.get(k, ()))
    for ext in gfpscope_decls.get(k[0], ()):
        if gfpscope_inside(k, ext):
            events |= {e for e in gfpscope_events.get(k[0], ()) if gfpscope_inside(e, ext)}
    for e in sorted(events):
        if not ((k, e) in gfpscope_inarg and gfpscope_plain_function(e)):
            return e
    kk = (k[0], str(k[1]), str(k[2]))
    if gfpscope_iter_t.get(kk, set()) & gfpscope_iter_e:
        return k
    return None

def gfpscope_refuted_in_node(p, ps):
    """Site p has a clearing event in its own node: it is not covered. In facts mode it is
    reported as ended, with the save that reaches it."""
    k = gfpscope_key(p)
    if k not in gfpscope_node_bad and gfpscope_same_node(gfpscope_k(p)) is None:
        return False
    gfpscope_bad.add(k)
    gfpscope_node_bad.add(k)
    s = (int(ps[0].line), int(ps[0].column))
    if k not in gfpscope_ended or s < gfpscope_ended[k][0]:
        gfpscope_ended[k] = (s, {"t": "ended", "file": p[0].file, "line": int(p[0].line),
                                 "col": int(p[0].column), "save": gfpscope_saver(ps),
                                 "save_line": int(ps[0].line)})
    return True

def gfpscope_flush():
    """The queued report lines, in file order; empties the queue."""
    out = [gfpscope_pending[k] for k in sorted(gfpscope_pending,
           key=lambda k: (k[0], int(k[1]), int(k[2])))]
    gfpscope_pending.clear()
    return out

// ---------------------------------------------------------------------
// Macros of this file that end a scope: a definition whose body restores a
// cookie, calls a scope-ending helper or writes current->flags (also as a
// statement expression or a do { } while (0)), and a definition that calls
// one of those. Calling one is a clearing event like the call it hides.
// ---------------------------------------------------------------------

@mend@
identifier M;
expression E;
symbol current;
identifier rf =~ "^(memalloc_[A-Za-z0-9_]+_restore|current_restore_flags[A-Za-z0-9_]*|stop_this_handle|jbd2_journal_stop|jbd2__journal_restart|jbd2_journal_restart|jbd2_journal_free_reserved|ext4_journal_stop|__ext4_journal_stop|ocfs2_commit_trans|xfs_trans_commit|xfs_trans_cancel|xfs_trans_free|xfs_trans_clear_context|cifs_server_unlock|ext4_writepages_up_read|ext4_writepages_up_write|fsnotify_group_unlock)$";
@@

(
#define M(...) <+... rf(...) ...+>
|
#define M(...) <+... current->flags = E ...+>
|
#define M(...) <+... current->flags &= E ...+>
|
#define M(...) <+... current->flags ^= E ...+>
)

@script:python@
M << mend.M;
@@
gfpscope_macro_ends.add(M)

@mend2@
identifier M;
identifier em : script:python() { em in gfpscope_macro_ends };
@@

#define M(...) <+... em(...) ...+>

@script:python@
M << mend2.M;
@@
gfpscope_macro_ends.add(M)

// ---------------------------------------------------------------------
// GFP_NOFS: covered by a nofs or a noio scope.
// ---------------------------------------------------------------------

@cand_nofs exists@
position ps, p;
identifier em : script:python() { em in gfpscope_macro_ends };
declarer DD : script:python() { DD in gfpscope_macro_ends };
expression Fl : script:python() { gfpscope_pf_nofs(Fl) };
expression Fl2 : script:python() { gfpscope_pf_nofs(Fl2) };
expression c, c2, a, E;
type T, T2;
identifier x, x2;
symbol current;
identifier f =~ "^(k[mzc]alloc[A-Za-z0-9_]*|kmalloc_array[A-Za-z0-9_]*|kv[mzc]alloc[A-Za-z0-9_]*|kvmalloc_array[A-Za-z0-9_]*|(krealloc|kvrealloc)[A-Za-z0-9_]*|kmem_cache_z?alloc[A-Za-z0-9_]*|__vmalloc[A-Za-z0-9_]*|alloc_pages?[A-Za-z0-9_]*|__alloc_pages[A-Za-z0-9_]*|folio_alloc[A-Za-z0-9_]*|__folio_alloc[A-Za-z0-9_]*|filemap_alloc_folio[A-Za-z0-9_]*|__get_free_pages?|get_zeroed_page|mempool_alloc[A-Za-z0-9_]*|radix_tree_preload|radix_tree_maybe_preload|idr_preload|idr_alloc[A-Za-z0-9_]*|ida_alloc[A-Za-z0-9_]*|(__)?xa_(store|insert|alloc|alloc_cyclic|reserve|cmpxchg)[A-Za-z0-9_]*|kmemdup[A-Za-z0-9_]*|kstrn?dup[A-Za-z0-9_]*|kv?asprintf|bio_alloc[A-Za-z0-9_]*|bio_kmalloc|alloc_buffer_head|folio_alloc_buffers|alloc_page_buffers|find_or_create_page|pagecache_get_page|__filemap_get_folio|filemap_add_folio|add_to_page_cache_lru|read_cache_page_gfp|mapping_read_folio_gfp|__getblk_gfp|sb_getblk_gfp|bdev_getblk|__bread_gfp|sg_alloc_table[A-Za-z0-9_]*|percpu_counter_init|percpu_ref_init|(__)?alloc_percpu_gfp|posix_acl_alloc)$";
identifier rf =~ "^(memalloc_[A-Za-z0-9_]+_restore|current_restore_flags[A-Za-z0-9_]*|stop_this_handle|jbd2_journal_stop|jbd2__journal_restart|jbd2_journal_restart|jbd2_journal_free_reserved|ext4_journal_stop|__ext4_journal_stop|ocfs2_commit_trans|xfs_trans_commit|xfs_trans_cancel|xfs_trans_free|xfs_trans_clear_context|cifs_server_unlock|ext4_writepages_up_read|ext4_writepages_up_write|fsnotify_group_unlock)$";
@@

(
c = \(memalloc_nofs_save@ps\|memalloc_noio_save@ps\)();
|
T x = \(memalloc_nofs_save@ps\|memalloc_noio_save@ps\)();
|
\(memalloc_nofs_save@ps\|memalloc_noio_save@ps\)();
|
c = memalloc_flags_save@ps(Fl);
|
T x = memalloc_flags_save@ps(Fl);
|
current@ps->flags |= Fl;
)
... when != c2 = \(memalloc_nofs_save\|memalloc_noio_save\)();
    when != T2 x2 = \(memalloc_nofs_save\|memalloc_noio_save\)();
    when != \(memalloc_nofs_save\|memalloc_noio_save\)();
    when != c2 = memalloc_flags_save(Fl2)
    when != T2 x2 = memalloc_flags_save(Fl2);
    when != current->flags |= Fl2
    when != rf(...)
    when != em(...)
    when != current->flags = E
    when != current->flags &= E
    when != current->flags ^= E
    when != DD(...);
    when any
f(..., \( a \& <+... GFP_NOFS@p ...+> \), ...)

@script:python depends on cand_nofs@
a << cand_nofs.a;
@@
if not gfpscope_clean_flags(a):
    cocci.include_match(False)

@script:python@
p << cand_nofs.p;
@@
gfpscope_cands.add(gfpscope_k(p))

// a path from the function entry to the site without any save statement
@u1_nofs exists@
position cand_nofs.p, q;
identifier fn;
expression c;
expression Fl : script:python() { gfpscope_pf_nofs(Fl) };
type T;
identifier x;
symbol current;
@@

fn(...) {
... when != c = \(memalloc_nofs_save\|memalloc_noio_save\)();
    when != T x = \(memalloc_nofs_save\|memalloc_noio_save\)();
    when != \(memalloc_nofs_save\|memalloc_noio_save\)();
    when != c = memalloc_flags_save(Fl)
    when != T x = memalloc_flags_save(Fl);
    when != current->flags |= Fl
    when any
GFP_NOFS@p@q
... when any
}

// a path from something that can clear the flag to the site without a save
@u2_nofs exists@
position cand_nofs.p, q;
identifier em : script:python() { em in gfpscope_macro_ends };
expression Fl : script:python() { gfpscope_pf_nofs(Fl) };
expression c, E;
type T;
identifier x;
symbol current;
identifier rf =~ "^(memalloc_[A-Za-z0-9_]+_restore|current_restore_flags[A-Za-z0-9_]*|stop_this_handle|jbd2_journal_stop|jbd2__journal_restart|jbd2_journal_restart|jbd2_journal_free_reserved|ext4_journal_stop|__ext4_journal_stop|ocfs2_commit_trans|xfs_trans_commit|xfs_trans_cancel|xfs_trans_free|xfs_trans_clear_context|cifs_server_unlock|ext4_writepages_up_read|ext4_writepages_up_write|fsnotify_group_unlock)$";
@@

(
rf(...)
|
em(...)
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
    when != c = memalloc_flags_save(Fl)
    when != T x = memalloc_flags_save(Fl);
    when != current->flags |= Fl
    when any
GFP_NOFS@p@q

@script:python@
q << u1_nofs.q;
@@
gfpscope_bad.add(gfpscope_key(q))

@script:python@
q << u2_nofs.q;
@@
gfpscope_bad.add(gfpscope_key(q))


// ---------------------------------------------------------------------
// GFP_NOIO: covered by a noio scope only (a nofs scope keeps __GFP_FS
// off, not __GFP_IO).
// ---------------------------------------------------------------------

@cand_noio exists@
position ps, p;
identifier em : script:python() { em in gfpscope_macro_ends };
declarer DD : script:python() { DD in gfpscope_macro_ends };
expression Fl : script:python() { gfpscope_pf_noio(Fl) };
expression Fl2 : script:python() { gfpscope_pf_noio(Fl2) };
expression c, c2, a, E;
type T, T2;
identifier x, x2;
symbol current;
identifier f =~ "^(k[mzc]alloc[A-Za-z0-9_]*|kmalloc_array[A-Za-z0-9_]*|kv[mzc]alloc[A-Za-z0-9_]*|kvmalloc_array[A-Za-z0-9_]*|(krealloc|kvrealloc)[A-Za-z0-9_]*|kmem_cache_z?alloc[A-Za-z0-9_]*|__vmalloc[A-Za-z0-9_]*|alloc_pages?[A-Za-z0-9_]*|__alloc_pages[A-Za-z0-9_]*|folio_alloc[A-Za-z0-9_]*|__folio_alloc[A-Za-z0-9_]*|filemap_alloc_folio[A-Za-z0-9_]*|__get_free_pages?|get_zeroed_page|mempool_alloc[A-Za-z0-9_]*|radix_tree_preload|radix_tree_maybe_preload|idr_preload|idr_alloc[A-Za-z0-9_]*|ida_alloc[A-Za-z0-9_]*|(__)?xa_(store|insert|alloc|alloc_cyclic|reserve|cmpxchg)[A-Za-z0-9_]*|kmemdup[A-Za-z0-9_]*|kstrn?dup[A-Za-z0-9_]*|kv?asprintf|bio_alloc[A-Za-z0-9_]*|bio_kmalloc|alloc_buffer_head|folio_alloc_buffers|alloc_page_buffers|find_or_create_page|pagecache_get_page|__filemap_get_folio|filemap_add_folio|add_to_page_cache_lru|read_cache_page_gfp|mapping_read_folio_gfp|__getblk_gfp|sb_getblk_gfp|bdev_getblk|__bread_gfp|sg_alloc_table[A-Za-z0-9_]*|percpu_counter_init|percpu_ref_init|(__)?alloc_percpu_gfp|posix_acl_alloc)$";
identifier rf =~ "^(memalloc_[A-Za-z0-9_]+_restore|current_restore_flags[A-Za-z0-9_]*|stop_this_handle|jbd2_journal_stop|jbd2__journal_restart|jbd2_journal_restart|jbd2_journal_free_reserved|ext4_journal_stop|__ext4_journal_stop|ocfs2_commit_trans|xfs_trans_commit|xfs_trans_cancel|xfs_trans_free|xfs_trans_clear_context|cifs_server_unlock|ext4_writepages_up_read|ext4_writepages_up_write|fsnotify_group_unlock)$";
@@

(
c = memalloc_noio_save@ps();
|
T x = memalloc_noio_save@ps();
|
memalloc_noio_save@ps();
|
c = memalloc_flags_save@ps(Fl);
|
T x = memalloc_flags_save@ps(Fl);
|
current@ps->flags |= Fl;
)
... when != c2 = memalloc_noio_save();
    when != T2 x2 = memalloc_noio_save();
    when != memalloc_noio_save();
    when != c2 = memalloc_flags_save(Fl2)
    when != T2 x2 = memalloc_flags_save(Fl2);
    when != current->flags |= Fl2
    when != rf(...)
    when != em(...)
    when != current->flags = E
    when != current->flags &= E
    when != current->flags ^= E
    when != DD(...);
    when any
f(..., \( a \& <+... GFP_NOIO@p ...+> \), ...)

@script:python depends on cand_noio@
a << cand_noio.a;
@@
if not gfpscope_clean_flags(a):
    cocci.include_match(False)

@script:python@
p << cand_noio.p;
@@
gfpscope_cands.add(gfpscope_k(p))

@u1_noio exists@
position cand_noio.p, q;
identifier fn;
expression c;
expression Fl : script:python() { gfpscope_pf_noio(Fl) };
type T;
identifier x;
symbol current;
@@

fn(...) {
... when != c = memalloc_noio_save();
    when != T x = memalloc_noio_save();
    when != memalloc_noio_save();
    when != c = memalloc_flags_save(Fl)
    when != T x = memalloc_flags_save(Fl);
    when != current->flags |= Fl
    when any
GFP_NOIO@p@q
... when any
}

@u2_noio exists@
position cand_noio.p, q;
identifier em : script:python() { em in gfpscope_macro_ends };
expression Fl : script:python() { gfpscope_pf_noio(Fl) };
expression c, E;
type T;
identifier x;
symbol current;
identifier rf =~ "^(memalloc_[A-Za-z0-9_]+_restore|current_restore_flags[A-Za-z0-9_]*|stop_this_handle|jbd2_journal_stop|jbd2__journal_restart|jbd2_journal_restart|jbd2_journal_free_reserved|ext4_journal_stop|__ext4_journal_stop|ocfs2_commit_trans|xfs_trans_commit|xfs_trans_cancel|xfs_trans_free|xfs_trans_clear_context|cifs_server_unlock|ext4_writepages_up_read|ext4_writepages_up_write|fsnotify_group_unlock)$";
@@

(
rf(...)
|
em(...)
|
current->flags = E
|
current->flags &= E
|
current->flags ^= E
)
... when != c = memalloc_noio_save();
    when != T x = memalloc_noio_save();
    when != memalloc_noio_save();
    when != c = memalloc_flags_save(Fl)
    when != T x = memalloc_flags_save(Fl);
    when != current->flags |= Fl
    when any
GFP_NOIO@p@q

@script:python@
q << u1_noio.q;
@@
gfpscope_bad.add(gfpscope_key(q))

@script:python@
q << u2_noio.q;
@@
gfpscope_bad.add(gfpscope_key(q))


// ---------------------------------------------------------------------
// Clearing events in the node of a site (gfpscope_same_node): in its
// expression (lnode) or declaration (ldecl, levent), before it in a for
// header (lfor), in the header of an iterator (liter_t, liter_e); a site in
// the arguments of a macro of this file that ends a scope and that spatch
// reads as a declarer (ldeclr), and a declarer that ends a scope before a
// site (lu2s: spatch does not read it as a call, so rf and em miss it).
// ---------------------------------------------------------------------

@lnode depends on cand_nofs || cand_noio@
position q : script:python() { gfpscope_k(q) in gfpscope_cands };
position pe;
identifier em : script:python() { em in gfpscope_macro_ends };
identifier rf : script:python() { gfpscope_rf.fullmatch(rf) is not None };
expression E, F;
symbol current;
@@

\( E \& <+... \( rf@pe(...) \| em@pe(...) \| current@pe->flags = F \| current@pe->flags &= F \| current@pe->flags ^= F \) ...+> \& <+... \( GFP_NOFS@q \| GFP_NOIO@q \) ...+> \)

@script:python@
q << lnode.q;
pe << lnode.pe;
@@
gfpscope_same.setdefault(gfpscope_k(q), set()).add(gfpscope_k(pe))

@larg depends on cand_nofs || cand_noio@
position q : script:python() { gfpscope_k(q) in gfpscope_cands };
position pe;
identifier rf : script:python() { gfpscope_rf.fullmatch(rf) is not None };
@@

rf@pe(..., <+... \( GFP_NOFS@q \| GFP_NOIO@q \) ...+>, ...)

@script:python@
q << larg.q;
pe << larg.pe;
@@
gfpscope_inarg.add((gfpscope_k(q), gfpscope_k(pe)))

// (only the declarations that hold a site, and the events in them: a binding of every
// declaration and every event of a file made spatch combine them, seconds on a large file)
@ldecl depends on cand_nofs || cand_noio@
declaration D;
position pd : script:python() { gfpscope_holds_cand(pd) };
@@

D@pd

@script:python@
pd << ldecl.pd;
@@
gfpscope_decls.setdefault(pd[0].file, []).append(gfpscope_extent(pd))

@levent depends on ldecl@
position pe : script:python() { gfpscope_in_decl(pe) };
identifier em : script:python() { em in gfpscope_macro_ends };
identifier rf : script:python() { gfpscope_rf.fullmatch(rf) is not None };
expression F;
symbol current;
@@

\( rf@pe(...) \| em@pe(...) \| current@pe->flags = F \| current@pe->flags &= F \| current@pe->flags ^= F \)

@script:python@
pe << levent.pe;
@@
gfpscope_events.setdefault(pe[0].file, set()).add(gfpscope_k(pe))

@lfor depends on cand_nofs || cand_noio@
position q : script:python() { gfpscope_k(q) in gfpscope_cands };
identifier em : script:python() { em in gfpscope_macro_ends };
identifier rf : script:python() { gfpscope_rf.fullmatch(rf) is not None };
identifier x;
type T;
expression F;
statement S;
symbol current;
@@

(
for (<+... \( rf(...) \| em(...) \| current->flags = F \| current->flags &= F \| current->flags ^= F \) ...+>; <+... \( GFP_NOFS@q \| GFP_NOIO@q \) ...+>; ...) S
|
for (T x = <+... \( rf(...) \| em(...) \| current->flags = F \| current->flags &= F \| current->flags ^= F \) ...+>; <+... \( GFP_NOFS@q \| GFP_NOIO@q \) ...+>; ...) S
)

@script:python@
q << lfor.q;
@@
gfpscope_node_bad.add(gfpscope_key(q))

@liter_t depends on cand_nofs || cand_noio@
position q : script:python() { gfpscope_k(q) in gfpscope_cands };
position pi;
iterator I;
statement S;
@@

I@pi(..., <+... \( GFP_NOFS@q \| GFP_NOIO@q \) ...+>, ...) S

@liter_e depends on liter_t@
position pi;
iterator I;
identifier em : script:python() { em in gfpscope_macro_ends };
identifier rf : script:python() { gfpscope_rf.fullmatch(rf) is not None };
expression F;
statement S;
symbol current;
@@

I@pi(..., <+... \( rf(...) \| em(...) \| current->flags = F \| current->flags &= F \| current->flags ^= F \) ...+>, ...) S

@script:python@
q << liter_t.q;
pi << liter_t.pi;
@@
gfpscope_iter_t.setdefault(gfpscope_key(q), set()).add(gfpscope_k(pi))

@script:python@
pi << liter_e.pi;
@@
gfpscope_iter_e.add(gfpscope_k(pi))

@ldeclr_any depends on cand_nofs || cand_noio@
declarer DD : script:python() { DD in gfpscope_macro_ends };
@@

DD(...);

@ldeclr depends on ldeclr_any@
position q : script:python() { gfpscope_k(q) in gfpscope_cands };
declarer DD : script:python() { DD in gfpscope_macro_ends };
@@

DD(..., <+... \( GFP_NOFS@q \| GFP_NOIO@q \) ...+>, ...);

@script:python@
q << ldeclr.q;
@@
gfpscope_node_bad.add(gfpscope_key(q))

@lu2s depends on ldeclr_any exists@
position q : script:python() { gfpscope_k(q) in gfpscope_cands };
declarer DD : script:python() { DD in gfpscope_macro_ends };
expression Fl : script:python() { gfpscope_pf_noio(Fl) };
expression c;
type T;
identifier x;
symbol current;
@@

DD(...);
... when != c = memalloc_noio_save();
    when != T x = memalloc_noio_save();
    when != memalloc_noio_save();
    when != c = memalloc_flags_save(Fl)
    when != T x = memalloc_flags_save(Fl);
    when != current->flags |= Fl
    when any
\( GFP_NOFS@q \| GFP_NOIO@q \)

@script:python@
q << lu2s.q;
@@
gfpscope_node_bad.add(gfpscope_key(q))

// the verdicts: covered unless refuted (u1, u2, or an event in the node)

@script:python@
p << cand_nofs.p;
ps << cand_nofs.ps;
@@
if gfpscope_refuted_in_node(p, ps) or not gfpscope_covered(p, ps):
    cocci.include_match(False)

@script:python@
p << cand_noio.p;
ps << cand_noio.ps;
@@
if gfpscope_refuted_in_node(p, ps) or not gfpscope_covered(p, ps):
    cocci.include_match(False)

// ---------------------------------------------------------------------
// Facts mode only: the sites a save reaches that a clearing event after the
// save may leave outside the scope. They are not converted (above); gfpscope
// gives them the reason scope-ended, and names the event, rather than no-scope.
// ---------------------------------------------------------------------

@ended depends on facts exists@
position p, ps;
expression Fl : script:python() { gfpscope_pf_nofs(Fl) };
expression c, E;
type T;
identifier x;
symbol current;
identifier em : script:python() { em in gfpscope_macro_ends };
identifier rf =~ "^(memalloc_[A-Za-z0-9_]+_restore|current_restore_flags[A-Za-z0-9_]*|stop_this_handle|jbd2_journal_stop|jbd2__journal_restart|jbd2_journal_restart|jbd2_journal_free_reserved|ext4_journal_stop|__ext4_journal_stop|ocfs2_commit_trans|xfs_trans_commit|xfs_trans_cancel|xfs_trans_free|xfs_trans_clear_context|cifs_server_unlock|ext4_writepages_up_read|ext4_writepages_up_write|fsnotify_group_unlock)$";
@@

(
c = \(memalloc_nofs_save@ps\|memalloc_noio_save@ps\)();
|
T x = \(memalloc_nofs_save@ps\|memalloc_noio_save@ps\)();
|
\(memalloc_nofs_save@ps\|memalloc_noio_save@ps\)();
|
c = memalloc_flags_save@ps(Fl);
|
T x = memalloc_flags_save@ps(Fl);
|
current@ps->flags |= Fl;
)
... when any
(
rf(...)
|
em(...)
|
current->flags = E
|
current->flags &= E
|
current->flags ^= E
)
... when != \(memalloc_nofs_save\|memalloc_noio_save\)()
    when any
\(GFP_NOFS@p\|GFP_NOIO@p\)

@script:python depends on facts@
p << ended.p;
ps << ended.ps;
@@
k = gfpscope_key(p)
s = (int(ps[0].line), int(ps[0].column))
if k not in gfpscope_ok and (k not in gfpscope_ended or s < gfpscope_ended[k][0]):
    gfpscope_ended[k] = (s, {"t": "ended", "file": p[0].file, "line": int(p[0].line),
                             "col": int(p[0].column), "save": gfpscope_saver(ps),
                             "save_line": int(ps[0].line)})

// the same, for a declarer that ends the scope (a macro spatch reads as a declaration)
@ended_d depends on facts exists@
position p, ps;
expression Fl : script:python() { gfpscope_pf_nofs(Fl) };
expression c;
type T;
identifier x;
symbol current;
declarer DD : script:python() { DD in gfpscope_macro_ends };
@@

(
c = \(memalloc_nofs_save@ps\|memalloc_noio_save@ps\)();
|
T x = \(memalloc_nofs_save@ps\|memalloc_noio_save@ps\)();
|
\(memalloc_nofs_save@ps\|memalloc_noio_save@ps\)();
|
c = memalloc_flags_save@ps(Fl);
|
T x = memalloc_flags_save@ps(Fl);
|
current@ps->flags |= Fl;
)
... when any
DD(...);
... when != \(memalloc_nofs_save\|memalloc_noio_save\)()
    when any
\(GFP_NOFS@p\|GFP_NOIO@p\)

@script:python depends on facts@
p << ended_d.p;
ps << ended_d.ps;
@@
k = gfpscope_key(p)
s = (int(ps[0].line), int(ps[0].column))
if k not in gfpscope_ok and (k not in gfpscope_ended or s < gfpscope_ended[k][0]):
    gfpscope_ended[k] = (s, {"t": "ended", "file": p[0].file, "line": int(p[0].line),
                             "col": int(p[0].column), "save": gfpscope_saver(ps),
                             "save_line": int(ps[0].line)})

@script:python depends on facts && !report@
@@
for k in sorted(gfpscope_ended, key=lambda k: (k[0], int(k[1]), int(k[2]))):
    print("GFPSCOPE " + json.dumps(gfpscope_ended[k][1]))
gfpscope_ended.clear()

// ---------------------------------------------------------------------
// Output. Report and org lines are collected per site and printed sorted
// by position once the file is done; patch and context modes rematch the
// convertible tokens by position (a position cannot be inherited across a
// rule that modifies the code, and there are two families of sites).
// ---------------------------------------------------------------------

@script:python depends on report || org || facts@
p << cand_nofs.p;
ps << cand_nofs.ps;
@@
gfpscope_message(p, ps, "GFP_NOFS")

@script:python depends on report || org || facts@
p << cand_noio.p;
ps << cand_noio.ps;
@@
gfpscope_message(p, ps, "GFP_NOIO")

@script:python depends on report && (cand_nofs || cand_noio)@
@@
for p, msg, _fact in gfpscope_flush():
    coccilib.report.print_report(p, msg)

@script:python depends on facts && !report && (cand_nofs || cand_noio)@
@@
for _p, _msg, fact in gfpscope_flush():
    print("GFPSCOPE " + json.dumps(fact))

@script:python depends on org && (cand_nofs || cand_noio)@
@@
for p, msg, _fact in gfpscope_flush():
    coccilib.org.print_todo(p, msg)

@depends on patch && (cand_nofs || cand_noio)@
position p : script:python() { gfpscope_key(p) in gfpscope_ok };
@@

(
- GFP_NOFS@p
+ GFP_KERNEL
|
- GFP_NOIO@p
+ GFP_KERNEL
)

@depends on context && !patch && (cand_nofs || cand_noio)@
position p : script:python() { gfpscope_key(p) in gfpscope_ok };
@@

(
* GFP_NOFS@p
|
* GFP_NOIO@p
)
