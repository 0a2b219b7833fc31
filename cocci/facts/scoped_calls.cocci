// SPDX-License-Identifier: GPL-2.0-only
/// Facts for gfpscope's interprocedural analysis: the calls that run inside
/// a memalloc_nofs/noio scope opened in the same function, on every path
/// that reaches them; with -D returns, the return statements too.
//#
//# Not a coccicheck rule: scripts/gfpscope runs it on the files that open a
//# scope and reads the GFPSCOPE lines. The proof is the one of
//# cocci/gfp_scope_redundant.cocci, with "a call" in place of "a GFP_NOFS
//# token": a call is covered when some start reaches it with no start or
//# scope-ending event in between (cand), and no path reaches it from the
//# function entry without a start (u1) or from an ending event without a
//# start after it (u2). The list of ending events is that rule's.
//#
//# A start is one of
//#  - a plain start, which cannot fail: memalloc_nofs/noio_save(), and
//#    the providers the driver discovered that open a scope on every path
//#    (sv; xfs_trans_set_context(), fsnotify_group_lock(), ...);
//#  - current->flags |= F and memalloc_flags_save(F), where F names
//#    PF_MEMALLOC_NOFS or PF_MEMALLOC_NOIO (other flags open no scope);
//#  - a checked start, which may fail and opens the scope only when it
//#    succeeds (ckp returns a pointer: jbd2__journal_start(); cki returns
//#    an int error: xfs_trans_alloc()). It counts only in the shape
//#        x = ck(...); if (<x failed>) <return, goto or break>
//#    (the failure branch may be a block that ends in one of them and
//#    holds no other break and no continue). The calls a failure branch
//#    reaches are refuted (ulab: a goto's label; ubrk: whatever follows
//#    the branch, such as the rest of a function after the loop, switch
//#    or iterator a break leaves), and a function that calls a checked
//#    start in any other shape proves nothing (bad_shape).
//#
//# Variants, chosen with -D:
//#  - names=FILE: a JSON object whose lists add starts (sv plain, ckp and
//#    cki checked) and scope-ending calls (rf) to the memalloc API's; the
//#    names are tested by script constraints, not spliced into the text.
//#  - checked: the file names a checked start. Without it the rules that
//#    only a checked start can make match (ulab_goto, ulab, good_shape,
//#    any_checked) are not run: on drivers/md/md.c they were two thirds
//#    of the time, for nothing.
//#  - wraps: the driver found wrapper macros (names' "wrap"), and the file
//#    names one: the rules wuse, wcall and wend run.
//#  - returns: the same proof with return statements as targets (cand_r,
//#    u1_r, u2_r, ulab_r; SmPL cannot put a call and a return in one
//#    disjunction), a return whose value ends the scope (uret_r), and the
//#    facts provider discovery needs about returns: failure returns typed
//#    by their value (failret), every return (allret), a return of a start
//#    (tailret), a void function whose end is reached outside a scope
//#    (voidmiss), void and pointer-returning functions (retty).
//#
//# A macro that wraps a scope around one of its arguments (bcachefs's
//# memalloc_flags_do(_flags, _do): a statement expression or a do { } while
//# (0) that saves, evaluates the argument once, and restores) covers the calls
//# written inside that argument. Which macros are such wrappers the driver
//# reads from their #defines (analyse/wrappers.py) and passes as data
//# ("wrap" in names=FILE); with -D wraps the rules wuse, wcall and wend find
//# their uses in function bodies, and a use covers the calls of its wrapped
//# argument when the use has as many arguments as the macro has parameters,
//# its flags (the body's, or the argument of its flags parameter, read by
//# the flags parser below) open a scope, no argument holds a possible scope
//# end (wend) and the wrapped one holds no "{" (a statement expression, in
//# which the nest does not look: a restore there would not be seen), and,
//# for a macro #defined only in .c files, the use comes after the #define
//# in one of those files. Its records say "kind" and "wrap" (the macro) and
//# "arg", the wrapped argument's extent, which the site must lie in.
//#
//# The three rules that match a checked start's failure test (cand,
//# ulab_goto, good_shape) disable the isomorphisms not_int2 (X => X != 0)
//# and not_ptr2 (X => X != NULL): the tests are spelled out, and with those
//# isomorphisms spatch spent 7-10 s compiling the rule in every process,
//# before reading a file. All three disable the same ones, so a failure
//# test none of them knows makes the function prove nothing (bad_shape),
//# never a call covered that is not.
//
// Confidence: High
// Options: --no-includes --include-headers

virtual checked
virtual returns
virtual wraps

@initialize:python@
@@
import json
import os
import re
scall_bad = set()
scall_bad_fn = set()
scall_good = set()
scall_files = {}

# The starts and scope-ending calls: the memalloc API, plus what the driver
# passes with -D names=FILE (a JSON object of name lists: sv, ckp, cki, rf).
SCALL_SV = {"memalloc_nofs_save", "memalloc_noio_save"}
SCALL_CKP = set()
SCALL_CKI = set()
SCALL_RF = {"stop_this_handle", "jbd2_journal_stop", "jbd2__journal_restart", "jbd2_journal_restart",
            "jbd2_journal_free_reserved", "ext4_journal_stop", "__ext4_journal_stop", "ocfs2_commit_trans",
            "xfs_trans_commit", "xfs_trans_cancel", "xfs_trans_free", "xfs_trans_clear_context",
            "cifs_server_unlock", "ext4_writepages_up_read", "ext4_writepages_up_write",
            "fsnotify_group_unlock"}
SCALL_RF_RE = re.compile(r"memalloc_[A-Za-z0-9_]+_restore|current_restore_flags[A-Za-z0-9_]*")
scall_names_read = []

def scall_pf_set(flags):
    """The PF_ constants flags are made of, or None: only constants joined by |, in
    parentheses or not (a variable, a mask, a condition or a call could be anything)."""
    s = re.sub(r"/\*.*?\*/", "", str(flags), flags=re.S)
    s = re.sub(r"[\s()]", "", s)
    if not re.fullmatch(r"PF_\w+(\|PF_\w+)*", s):
        return None
    return set(s.split("|"))

def scall_pf(flags):
    """Flags that open a nofs or noio scope (PF_MEMALLOC_PIN and the like open none)."""
    f = scall_pf_set(flags)
    return bool(f and f & {"PF_MEMALLOC_NOFS", "PF_MEMALLOC_NOIO"})

# restores that close a nested scope: their cookie is the function's own, saved inside
# a scope that was open on every path (the driver's second pass; see regions.py)
SCALL_EXEMPT = set()

def scall_not_exempt(p):
    return (p[0].file, int(p[0].line), int(p[0].column)) not in SCALL_EXEMPT

# wrapper macros (-D names: "wrap"): name -> {"n": its parameters, "arg": the wrapped one,
# "fp": the flags parameter or -1, "save": the body's save, "flags": the body's own flags,
# "vis": None when a header defines it, else {file: line of its first #define there}}
SCALL_WRAP = {}
scall_wargs = {}    # use (file, line, col) -> {argument start: (argument end, text)}
scall_wcalls = {}   # use -> {(argument start, line, col, callee, caller)}
scall_wbad = set()  # uses with a possible scope end in an argument


def scall_wrap_kind(w, flags):
    """The scope a wrapper's save opens, from its save and flags: "nofs", "noio" or None."""
    if w["save"] in ("memalloc_nofs_save", "memalloc_noio_save"):
        return w["save"].split("_")[1]
    f = scall_pf_set(flags) or set()
    return "noio" if "PF_MEMALLOC_NOIO" in f else "nofs" if "PF_MEMALLOC_NOFS" in f else None


def scall_text(path, a, b):
    """The file's text from position a to b ((line, col), b excluded)."""
    if a[0] == b[0]:
        return scall_getline(path, a[0])[a[1]:b[1]]
    return "\n".join([scall_getline(path, a[0])[a[1]:]] + [scall_getline(path, n) for n in range(a[0] + 1, b[0])]
                     + [scall_getline(path, b[0])[:b[1]]])


def scall_wrapped():
    """The records of the calls in the wrapped arguments of this file's wrapper uses; empties
    the tables."""
    out = []
    for use in sorted(scall_wcalls):
        file, line, col = use[0], int(use[1]), int(use[2])
        m = re.match(r"[A-Za-z_]\w*", scall_getline(file, line)[col:])
        w = SCALL_WRAP.get(m.group(0)) if m else None
        args = sorted(scall_wargs.get(use, {}))
        if not w or use in scall_wbad or len(args) != w["n"]:
            continue
        vis = w["vis"]
        if vis is not None and not (os.path.normpath(file) in vis and line > vis[os.path.normpath(file)]):
            continue
        flags = scall_wargs[use][args[w["fp"]]][1] if w["fp"] >= 0 else w["flags"]
        kind = scall_wrap_kind(w, flags)
        start = args[w["arg"]]
        end = scall_wargs[use][start][0]
        if kind is None or "{" in scall_text(file, start, end):
            continue
        for a, cl, cc, callee, caller in sorted(scall_wcalls[use]):
            if a == start and caller != "something_else":
                out.append({"t": "scall", "what": "call", "file": file, "line": cl, "col": cc,
                            "callee": callee, "caller": caller, "save_line": line, "kind": kind,
                            "opener": "%s(%s)" % (m.group(0), re.sub(r"\s+", " ", str(flags)).strip()),
                            "wrap": m.group(0), "arg": list(start + end)})
    scall_wargs.clear()
    scall_wcalls.clear()
    scall_wbad.clear()
    return out


def scall_ends(name):
    return name in SCALL_RF or SCALL_RF_RE.fullmatch(name) is not None

# Same node. The rules above follow paths from node to node, so a possible end in the
# own control-flow node of the candidate is not between them: a macro may run its argument
# after it ends the scope (#define end_then(c, x) ({ memalloc_nofs_restore(c); x; })),
# and the operands of an expression, the arguments of a call and the declarators of a
# declaration may run in any order. A candidate with a possible end in its node is not
# covered, unless it lies in the arguments of a call to a plain function (-D names:
# "fn"), which evaluates them before it runs. The node is the expression of the candidate
# (snode), its declaration (sdecl, sends), a for header (sfor: the init runs before the
# condition) or the header of an iterator (siter_t, siter_e); a candidate inside an iterator
# or a declarer that may end a scope (a macro) is not covered either (siter, sdeclr).
SCALL_FN = set()
scall_same = {}     # candidate key -> {keys of possible ends in its expression}
scall_inarg = set() # (candidate key, end key): the candidate is in the arguments of the end
scall_decls = {}    # file -> [(line, col, line_end, col_end)] of its declarations
scall_endat = {}    # file -> {keys of its possible ends}
scall_iter_t = {}   # candidate key -> {key of the iterator whose header holds it}
scall_iter_e = set()  # keys of the iterators whose header holds a possible end
scall_within = {}   # file -> [(line, col, line_end, col_end)] of statements that may end a scope

def scall_k(p):
    return (p[0].file, int(p[0].line), int(p[0].column))

def scall_extent(p):
    return (int(p[0].line), int(p[0].column), int(p[0].line_end), int(p[0].column_end))

def scall_inside(k, ext):
    return (ext[0], ext[1]) <= (k[1], k[2]) <= (ext[2], ext[3])

def scall_name_at(k):
    m = re.match(r"[A-Za-z_]\w*", scall_getline(k[0], k[1])[k[2]:])
    return m.group(0) if m else ""

scall_cands = set()  # keys of the candidates

def scall_holds_cand(pd):
    ext = scall_extent(pd)
    return any(c[0] == pd[0].file and scall_inside(c, ext) for c in scall_cands)

def scall_in_decl(pe):
    k = scall_k(pe)
    return any(scall_inside(k, ext) for ext in scall_decls.get(k[0], ()))

def scall_same_node(k):
    """A possible end in the node of k that is not known to run after it, or None."""
    ends = set(scall_same.get(k, ()))
    for ext in scall_decls.get(k[0], ()):
        if scall_inside(k, ext):
            ends |= {e for e in scall_endat.get(k[0], ()) if scall_inside(e, ext)}
    for e in ends:
        if e != k and not ((k, e) in scall_inarg and scall_name_at(e) in SCALL_FN):
            return e
    if scall_iter_t.get(k, set()) & scall_iter_e:
        return k
    if any(scall_inside(k, ext) for ext in scall_within.get(k[0], ())):
        return k
    return None

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
    if text.startswith("current") or text.startswith("memalloc_flags_save"):
        # the flags may go on over the next lines: read up to the end of the statement,
        # and take them as the rule did (noio only if PF_MEMALLOC_NOIO is one of them)
        n, more = int(ps[0].line), text
        while ";" not in more and n - int(ps[0].line) < 8:
            n += 1
            more = scall_getline(ps[0].file, n)
            text += more
        stmt = re.sub(r"/\*.*?\*/", "", text, flags=re.S).split(";")[0]
        expr = stmt.split("|=", 1)[1] if text.startswith("current") else stmt.split("(", 1)[1].rsplit(")", 1)[0]
        f = scall_pf_set(expr) or set()
        flag = "PF_MEMALLOC_NOIO" if "PF_MEMALLOC_NOIO" in f else "PF_MEMALLOC_NOFS"
        return flag if text.startswith("current") else "memalloc_flags_save(%s)" % flag
    m = re.match(r"[A-Za-z_]\w*", text)
    return m.group(0) if m else "?"

@script:python@
nfile << virtual.names;
@@
# once per spatch process: the lists do not change between files
if not scall_names_read:
    with open(nfile, encoding="utf-8") as f:
        n = json.load(f)
    SCALL_SV.update(n.get("sv", ()))
    SCALL_CKP.update(n.get("ckp", ()))
    SCALL_CKI.update(n.get("cki", ()))
    SCALL_RF.update(n.get("rf", ()))
    SCALL_EXEMPT.update((f, l, c) for f, l, c in n.get("exempt", ()))
    SCALL_WRAP.update(n.get("wrap", {}))
    SCALL_FN.update(n.get("fn", ()))
    scall_names_read.append(nfile)


@cand disable not_int2, not_ptr2 exists@
expression Er, E1, E2, E3;
position ps, p;
expression c, c2, E;
type T, T2, Tc;
identifier x, x2, x3, l;
identifier g !~ "^(memalloc_[A-Za-z0-9_]*_restore|current_restore_flags)";
identifier sv : script:python () { sv in SCALL_SV };
identifier ckp : script:python () { ckp in SCALL_CKP };
identifier cki : script:python () { cki in SCALL_CKI };
symbol current;
identifier rf : script:python () { scall_ends(rf) };
expression Fl : script:python () { scall_pf(Fl) };
position pe : script:python () { scall_not_exempt(pe) };
iterator I : script:python () { scall_ends(I) };
declarer DD : script:python () { scall_ends(DD) };
statement S1;
@@

(
c = sv@ps(...);
|
T x2 = sv@ps(...);
|
sv@ps(...);
|
current@ps->flags |= Fl;
|
c = memalloc_flags_save@ps(Fl);
|
T x2 = memalloc_flags_save@ps(Fl);
|
\(x = ckp@ps(...);\|Tc x = ckp@ps(...);\)
(
if (\(IS_ERR(x)\|IS_ERR_OR_NULL(x)\|!x\|x == NULL\)) \(return ...;\|goto l;\|break;\)
|
if (\(IS_ERR(x)\|IS_ERR_OR_NULL(x)\|!x\|x == NULL\)) {
  ... when != break;
      when != continue;
  \(return ...;\|goto l;\|break;\)
}
)
|
\(x = cki@ps(...);\|Tc x = cki@ps(...);\)
(
if (\(x\|x < 0\|x != 0\)) \(return ...;\|goto l;\|break;\)
|
if (\(x\|x < 0\|x != 0\)) {
  ... when != break;
      when != continue;
  \(return ...;\|goto l;\|break;\)
}
)
|
\(x = cki@ps(...);\|Tc x = cki@ps(...);\)
if (x == Er) {
(
  x = cki(...);
|
  E1;
  x = cki(...);
|
  E1;
  E2;
  x = cki(...);
|
  E1;
  E2;
  E3;
  x = cki(...);
)
}
(
if (\(x\|x < 0\|x != 0\)) \(return ...;\|goto l;\|break;\)
|
if (\(x\|x < 0\|x != 0\)) {
  ... when != break;
      when != continue;
  \(return ...;\|goto l;\|break;\)
}
)
)
... when != c2 = sv(...)
    when != T2 x3 = sv(...);
    when != sv(...)
    when != current->flags |= Fl
    when != c2 = memalloc_flags_save(Fl)
    when != T2 x3 = memalloc_flags_save(Fl);
    when != x2 = ckp(...)
    when != x2 = cki(...)
    when != rf@pe(...)
    when != current->flags = E
    when != current->flags &= E
    when != current->flags ^= E
    when != I(...) S1
    when != DD(...);
    when any
g@p(...)

@u1 exists@
position cand.p, q;
identifier fn, g, x3;
expression x, c2;
type T2;
identifier sv : script:python () { sv in SCALL_SV };
identifier ckp : script:python () { ckp in SCALL_CKP };
identifier cki : script:python () { cki in SCALL_CKI };
expression Fl : script:python () { scall_pf(Fl) };
@@

fn(...) {
... when != c2 = sv(...)
    when != T2 x3 = sv(...);
    when != sv(...)
    when != current->flags |= Fl
    when != c2 = memalloc_flags_save(Fl)
    when != T2 x3 = memalloc_flags_save(Fl);
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
identifier sv : script:python () { sv in SCALL_SV };
identifier ckp : script:python () { ckp in SCALL_CKP };
identifier cki : script:python () { cki in SCALL_CKI };
identifier rf : script:python () { scall_ends(rf) };
symbol current;
expression Fl : script:python () { scall_pf(Fl) };
position pe : script:python () { scall_not_exempt(pe) };
@@

(
rf@pe(...)
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
    when != current->flags |= Fl
    when != c2 = memalloc_flags_save(Fl)
    when != T2 x3 = memalloc_flags_save(Fl);
    when != x = ckp(...)
    when != x = cki(...)
    when any
g@p@q(...)

// a possible end that spatch parses as a statement of its own rather than a call: an
// iterator, whose header may end the scope, or a declarer
// the files with an iterator or a declarer that may end a scope: only they need the
// rules about them
@iter_any@
iterator I : script:python () { scall_ends(I) };
statement S;
@@

I(...) S

@declr_any@
declarer DD : script:python () { scall_ends(DD) };
@@

DD(...);

@u2s depends on iter_any || declr_any exists@
position cand.p, q;
expression x, c2;
identifier g, x3;
type T2;
identifier sv : script:python () { sv in SCALL_SV };
identifier ckp : script:python () { ckp in SCALL_CKP };
identifier cki : script:python () { cki in SCALL_CKI };
iterator I : script:python () { scall_ends(I) };
declarer DD : script:python () { scall_ends(DD) };
statement S1;
symbol current;
expression Fl : script:python () { scall_pf(Fl) };
@@

(
I(...) S1
|
DD(...);
)
... when != c2 = sv(...)
    when != T2 x3 = sv(...);
    when != sv(...)
    when != current->flags |= Fl
    when != c2 = memalloc_flags_save(Fl)
    when != T2 x3 = memalloc_flags_save(Fl);
    when != x = ckp(...)
    when != x = cki(...)
    when any
g@p@q(...)

// Same node (scall_same_node): the possible ends in the node of a candidate
@snode@
position cand.p, q;
position pe : script:python () { scall_not_exempt(pe) };
identifier rf : script:python () { scall_ends(rf) };
identifier g;
expression E, F;
symbol current;
@@

\( E \& <+... \( rf@pe(...) \| current@pe->flags = F \| current@pe->flags &= F \| current@pe->flags ^= F \) ...+> \& <+... g@p@q(...) ...+> \)

@sarg@
position cand.p, q, pe;
identifier rf : script:python () { scall_ends(rf) };
identifier g;
@@

rf@pe(..., <+... g@p@q(...) ...+>, ...)

@script:python@
p << cand.p;
@@
scall_cands.add(scall_k(p))

// (only the declarations that hold a candidate, and the ends in them: a binding of every
// declaration and every end of a file made spatch combine them, seconds on a large file)
@sdecl depends on cand@
declaration D;
position pd : script:python () { scall_holds_cand(pd) };
@@

D@pd

@script:python@
pd << sdecl.pd;
@@
scall_decls.setdefault(pd[0].file, []).append(scall_extent(pd))

@sends depends on sdecl@
position pe : script:python () { scall_not_exempt(pe) and scall_in_decl(pe) };
identifier rf : script:python () { scall_ends(rf) };
expression F;
symbol current;
@@

\( rf@pe(...) \| current@pe->flags = F \| current@pe->flags &= F \| current@pe->flags ^= F \)

@sfor@
position cand.p, q;
position pe : script:python () { scall_not_exempt(pe) };
identifier rf : script:python () { scall_ends(rf) };
identifier g, x;
type T;
expression F;
statement S;
symbol current;
@@

(
for (<+... \( rf@pe(...) \| current->flags = F \| current->flags &= F \| current->flags ^= F \) ...+>; <+... g@p@q(...) ...+>; ...) S
|
for (T x = <+... \( rf@pe(...) \| current->flags = F \| current->flags &= F \| current->flags ^= F \) ...+>; <+... g@p@q(...) ...+>; ...) S
)

@sdeclr depends on declr_any@
position cand.p, q;
declarer DD : script:python () { scall_ends(DD) };
identifier g;
@@

DD(..., <+... g@p@q(...) ...+>, ...);

@siter depends on cand && iter_any@
iterator I : script:python () { scall_ends(I) };
statement S, S0;
position ps;
@@

\( S0@ps \& I(...) S \)

@siter_t@
position cand.p, q, pi;
iterator I;
identifier g;
statement S;
@@

I@pi(..., <+... g@p@q(...) ...+>, ...) S

@siter_e depends on siter_t@
position pi;
position pe : script:python () { scall_not_exempt(pe) };
iterator I;
identifier rf : script:python () { scall_ends(rf) };
expression F;
statement S;
symbol current;
@@

I@pi(..., <+... \( rf@pe(...) \| current->flags = F \| current->flags &= F \| current->flags ^= F \) ...+>, ...) S

@script:python@
q << u2s.q;
@@
scall_bad.add(scall_key(q))

@script:python@
q << snode.q;
pe << snode.pe;
@@
scall_same.setdefault(scall_k(q), set()).add(scall_k(pe))

@script:python@
q << sarg.q;
pe << sarg.pe;
@@
scall_inarg.add((scall_k(q), scall_k(pe)))


@script:python@
pe << sends.pe;
@@
scall_endat.setdefault(pe[0].file, set()).add(scall_k(pe))

@script:python@
q << sfor.q;
@@
scall_bad.add(scall_key(q))

@script:python@
q << sdeclr.q;
@@
scall_bad.add(scall_key(q))

@script:python@
ps << siter.ps;
@@
scall_within.setdefault(ps[0].file, []).append(scall_extent(ps))

@script:python@
q << siter_t.q;
pi << siter_t.pi;
@@
scall_iter_t.setdefault(scall_k(q), set()).add(scall_k(pi))

@script:python@
pi << siter_e.pi;
@@
scall_iter_e.add(scall_k(pi))

@ulab_goto depends on checked disable not_int2, not_ptr2 exists@
identifier x, l;
type Tc;
identifier ckp : script:python () { ckp in SCALL_CKP };
identifier cki : script:python () { cki in SCALL_CKI };
@@

(
\(x = ckp(...);\|Tc x = ckp(...);\)
if (\(IS_ERR(x)\|IS_ERR_OR_NULL(x)\|!x\|x == NULL\)) \(goto l;\|{ <+... goto l; ...+> }\)
|
\(x = cki(...);\|Tc x = cki(...);\)
if (\(x\|x < 0\|x != 0\)) \(goto l;\|{ <+... goto l; ...+> }\)
)

@ulab depends on checked exists@
identifier ulab_goto.l;
position cand.p, q;
identifier g;
@@

l:
... when any
g@p@q(...)

// the failure branch of a checked start (its then-branch: a return, a goto, a break or a
// block ending in one), and every call the failure path reaches from it: a break leaves the
// innermost loop, switch or iterator, whose rest then runs without the scope (ubrk, as ulab
// for a goto)
@ufail_at depends on checked disable not_int2, not_ptr2 exists@
identifier x;
expression Er, E1, E2, E3;
type Tc;
statement S;
position pb;
identifier ckp : script:python () { ckp in SCALL_CKP };
identifier cki : script:python () { cki in SCALL_CKI };
@@

(
\(x = ckp(...);\|Tc x = ckp(...);\)
if (\(IS_ERR(x)\|IS_ERR_OR_NULL(x)\|!x\|x == NULL\)) S@pb
|
\(x = cki(...);\|Tc x = cki(...);\)
if (\(x\|x < 0\|x != 0\)) S@pb
|
\(x = cki(...);\|Tc x = cki(...);\)
if (x == Er) {
(
  x = cki(...);
|
  E1;
  x = cki(...);
|
  E1;
  E2;
  x = cki(...);
|
  E1;
  E2;
  E3;
  x = cki(...);
)
}
if (\(x\|x < 0\|x != 0\)) S@pb
)

@ubrk depends on checked exists@
position ufail_at.pb, cand.p, q;
statement S;
identifier g;
@@

S@pb
... when any
g@p@q(...)

@script:python@
q << ubrk.q;
@@
scall_bad.add(scall_key(q))

@good_shape depends on checked disable not_int2, not_ptr2@
expression Er, E1, E2, E3;
identifier x, l;
type Tc;
identifier ckp : script:python () { ckp in SCALL_CKP };
identifier cki : script:python () { cki in SCALL_CKI };
position pg;
@@

(
\(x = ckp@pg(...);\|Tc x = ckp@pg(...);\)
(
if (\(IS_ERR(x)\|IS_ERR_OR_NULL(x)\|!x\|x == NULL\)) \(return ...;\|goto l;\|break;\)
|
if (\(IS_ERR(x)\|IS_ERR_OR_NULL(x)\|!x\|x == NULL\)) {
  ... when != break;
      when != continue;
  \(return ...;\|goto l;\|break;\)
}
)
|
\(x = cki@pg(...);\|Tc x = cki@pg(...);\)
(
if (\(x\|x < 0\|x != 0\)) \(return ...;\|goto l;\|break;\)
|
if (\(x\|x < 0\|x != 0\)) {
  ... when != break;
      when != continue;
  \(return ...;\|goto l;\|break;\)
}
)
|
\(x = cki@pg(...);\|Tc x = cki@pg(...);\)
if (x == Er) {
(
  x = cki(...);
|
  E1;
  x = cki(...);
|
  E1;
  E2;
  x = cki(...);
|
  E1;
  E2;
  E3;
  x = cki(...);
)
}
(
if (\(x\|x < 0\|x != 0\)) \(return ...;\|goto l;\|break;\)
|
if (\(x\|x < 0\|x != 0\)) {
  ... when != break;
      when != continue;
  \(return ...;\|goto l;\|break;\)
}
)
)

// A start retried on one error and then tested once (xfs_rename(), xfs_create(),
// xfs_trans_alloc_dir(): on -ENOSPC, again with no block reservation):
//     x = ck(...); if (x == E) { <up to three expression statements> x = ck(...); }
//     if (<x failed>) <fail>
// Every path on which the test passes has a start that succeeded: the block runs straight
// to the second start (expression statements only: no jump, branch or loop can skip it).
// The second start is of the good shape too (good_retry).
@good_retry depends on checked disable not_int2, not_ptr2@
identifier x, l;
type Tc;
expression Er, E1, E2, E3;
identifier cki : script:python () { cki in SCALL_CKI };
position pg;
@@

\(x = cki(...);\|Tc x = cki(...);\)
if (x == Er) {
(
  x = cki@pg(...);
|
  E1;
  x = cki@pg(...);
|
  E1;
  E2;
  x = cki@pg(...);
|
  E1;
  E2;
  E3;
  x = cki@pg(...);
)
}
(
if (\(x\|x < 0\|x != 0\)) \(return ...;\|goto l;\|break;\)
|
if (\(x\|x < 0\|x != 0\)) {
  ... when != break;
      when != continue;
  \(return ...;\|goto l;\|break;\)
}
)

@script:python@
pg << good_retry.pg;
@@
scall_good.add(scall_key(pg))

@any_checked depends on checked@
identifier ck : script:python () { ck in SCALL_CKP or ck in SCALL_CKI };
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
if k not in scall_bad and (p[0].file, p[0].current_element) not in scall_bad_fn and \
        scall_same_node(scall_k(p)) is None:
    text = scall_getline(p[0].file, int(p[0].line))[int(p[0].column):]
    what = "return" if re.match(r"return\b", text) else "call"
    m = re.match(r"[A-Za-z_]\w*", text)
    # one line per covering start: the driver takes the call as noio-covered
    # only if every start that reaches it is a noio one
    print("GFPSCOPE " + json.dumps({"t": "scall", "what": what, "file": p[0].file,
          "line": int(p[0].line), "col": int(p[0].column), "callee": m.group(0) if m else "?",
          "caller": p[0].current_element, "save_line": int(ps[0].line),
          "opener": scall_opener(ps)}))

// the uses of wrapper macros: every argument (its extent and text), every call
// in an argument, and the uses with a possible scope end in an argument
@wuse depends on wraps@
identifier wm : script:python () { wm in SCALL_WRAP };
expression list es;
expression A;
position pw, pa;
@@

wm@pw(es, A@pa, ...)

@script:python@
pw << wuse.pw;
pa << wuse.pa;
A << wuse.A;
@@
scall_wargs.setdefault(scall_key(pw), {})[(int(pa[0].line), int(pa[0].column))] = (
    (int(pa[0].line_end), int(pa[0].column_end)), A)

@wcall depends on wraps@
identifier wm : script:python () { wm in SCALL_WRAP };
expression list es;
expression A;
identifier g;
position pw, pa, p;
@@

wm@pw(es, \( A@pa \& <+... g@p(...) ...+> \), ...)

@script:python@
pw << wcall.pw;
pa << wcall.pa;
p << wcall.p;
g << wcall.g;
@@
scall_wcalls.setdefault(scall_key(pw), set()).add(((int(pa[0].line), int(pa[0].column)), int(p[0].line),
                                                   int(p[0].column), g, p[0].current_element))

@wend depends on wraps@
identifier wm : script:python () { wm in SCALL_WRAP };
identifier rf : script:python () { scall_ends(rf) };
expression E;
position pw;
symbol current;
@@

wm@pw(..., <+... \(rf(...)\|current->flags = E\|current->flags &= E\|current->flags ^= E\) ...+>, ...)

@script:python@
pw << wend.pw;
@@
scall_wbad.add(scall_key(pw))

@script:python depends on wcall@
@@
for rec in scall_wrapped():
    print("GFPSCOPE " + json.dumps(rec))

@cand_r depends on returns disable not_int2, not_ptr2 exists@
expression Er, E1, E2, E3;
position ps, p;
expression c, c2, E;
type T, T2, Tc;
identifier x, x2, x3, l;
identifier sv : script:python () { sv in SCALL_SV };
identifier ckp : script:python () { ckp in SCALL_CKP };
identifier cki : script:python () { cki in SCALL_CKI };
symbol current;
identifier rf : script:python () { scall_ends(rf) };
expression Fl : script:python () { scall_pf(Fl) };
position pe : script:python () { scall_not_exempt(pe) };
iterator I : script:python () { scall_ends(I) };
declarer DD : script:python () { scall_ends(DD) };
statement S1;
@@

(
c = sv@ps(...);
|
T x2 = sv@ps(...);
|
sv@ps(...);
|
current@ps->flags |= Fl;
|
c = memalloc_flags_save@ps(Fl);
|
T x2 = memalloc_flags_save@ps(Fl);
|
\(x = ckp@ps(...);\|Tc x = ckp@ps(...);\)
(
if (\(IS_ERR(x)\|IS_ERR_OR_NULL(x)\|!x\|x == NULL\)) \(return ...;\|goto l;\|break;\)
|
if (\(IS_ERR(x)\|IS_ERR_OR_NULL(x)\|!x\|x == NULL\)) {
  ... when != break;
      when != continue;
  \(return ...;\|goto l;\|break;\)
}
)
|
\(x = cki@ps(...);\|Tc x = cki@ps(...);\)
(
if (\(x\|x < 0\|x != 0\)) \(return ...;\|goto l;\|break;\)
|
if (\(x\|x < 0\|x != 0\)) {
  ... when != break;
      when != continue;
  \(return ...;\|goto l;\|break;\)
}
)
|
\(x = cki@ps(...);\|Tc x = cki@ps(...);\)
if (x == Er) {
(
  x = cki(...);
|
  E1;
  x = cki(...);
|
  E1;
  E2;
  x = cki(...);
|
  E1;
  E2;
  E3;
  x = cki(...);
)
}
(
if (\(x\|x < 0\|x != 0\)) \(return ...;\|goto l;\|break;\)
|
if (\(x\|x < 0\|x != 0\)) {
  ... when != break;
      when != continue;
  \(return ...;\|goto l;\|break;\)
}
)
)
... when != c2 = sv(...)
    when != T2 x3 = sv(...);
    when != sv(...)
    when != current->flags |= Fl
    when != c2 = memalloc_flags_save(Fl)
    when != T2 x3 = memalloc_flags_save(Fl);
    when != x2 = ckp(...)
    when != x2 = cki(...)
    when != rf@pe(...)
    when != current->flags = E
    when != current->flags &= E
    when != current->flags ^= E
    when != I(...) S1
    when != DD(...);
    when any
return@p ...;


@u1_r depends on returns exists@
position cand_r.p, q;
identifier fn, x3;
expression x, c2;
type T2;
identifier sv : script:python () { sv in SCALL_SV };
identifier ckp : script:python () { ckp in SCALL_CKP };
identifier cki : script:python () { cki in SCALL_CKI };
expression Fl : script:python () { scall_pf(Fl) };
@@

fn(...) {
... when != c2 = sv(...)
    when != T2 x3 = sv(...);
    when != sv(...)
    when != current->flags |= Fl
    when != c2 = memalloc_flags_save(Fl)
    when != T2 x3 = memalloc_flags_save(Fl);
    when != x = ckp(...)
    when != x = cki(...)
    when any
return@p@q ...;
... when any
}


@u2_r depends on returns exists@
position cand_r.p, q;
expression x, c2, E;
identifier x3;
type T2;
identifier sv : script:python () { sv in SCALL_SV };
identifier ckp : script:python () { ckp in SCALL_CKP };
identifier cki : script:python () { cki in SCALL_CKI };
identifier rf : script:python () { scall_ends(rf) };
symbol current;
expression Fl : script:python () { scall_pf(Fl) };
position pe : script:python () { scall_not_exempt(pe) };
@@

(
rf@pe(...)
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
    when != current->flags |= Fl
    when != c2 = memalloc_flags_save(Fl)
    when != T2 x3 = memalloc_flags_save(Fl);
    when != x = ckp(...)
    when != x = cki(...)
    when any
return@p@q ...;



@u2s_r depends on returns && (iter_any || declr_any) exists@
position cand_r.p, q;
expression x, c2;
identifier x3;
type T2;
identifier sv : script:python () { sv in SCALL_SV };
identifier ckp : script:python () { ckp in SCALL_CKP };
identifier cki : script:python () { cki in SCALL_CKI };
iterator I : script:python () { scall_ends(I) };
declarer DD : script:python () { scall_ends(DD) };
statement S1;
symbol current;
expression Fl : script:python () { scall_pf(Fl) };
@@

(
I(...) S1
|
DD(...);
)
... when != c2 = sv(...)
    when != T2 x3 = sv(...);
    when != sv(...)
    when != current->flags |= Fl
    when != c2 = memalloc_flags_save(Fl)
    when != T2 x3 = memalloc_flags_save(Fl);
    when != x = ckp(...)
    when != x = cki(...)
    when any
return@p@q ...;

@script:python@
q << u2s_r.q;
@@
scall_bad.add(scall_key(q))

@siter_r depends on cand_r && iter_any@
iterator I : script:python () { scall_ends(I) };
statement S, S0;
position ps;
@@

\( S0@ps \& I(...) S \)

@script:python@
ps << siter_r.ps;
@@
scall_within.setdefault(ps[0].file, []).append(scall_extent(ps))

@ulab_r depends on returns && checked exists@
identifier ulab_goto.l;
position cand_r.p, q;
@@

l:
... when any
return@p@q ...;


@ubrk_r depends on returns && checked exists@
position ufail_at.pb, cand_r.p, q;
statement S;
@@

S@pb
... when any
return@p@q ...;

@script:python@
q << ubrk_r.q;
@@
scall_bad.add(scall_key(q))


@uret_r depends on returns@
position cand_r.p, q;
identifier rf : script:python () { scall_ends(rf) };
position pe : script:python () { scall_not_exempt(pe) };
@@

return@p@q <+... rf@pe(...) ...+>;

@script:python@
q << u1_r.q;
@@
scall_bad.add(scall_key(q))

@script:python@
q << u2_r.q;
@@
scall_bad.add(scall_key(q))

@script:python@
q << ulab_r.q;
@@
scall_bad.add(scall_key(q))

@script:python@
q << uret_r.q;
@@
scall_bad.add(scall_key(q))

@script:python@
p << cand_r.p;
ps << cand_r.ps;
@@
k = scall_key(p)
if k not in scall_bad and (p[0].file, p[0].current_element) not in scall_bad_fn and \
        not any(scall_inside(scall_k(p), ext) for ext in scall_within.get(p[0].file, ())):
    text = scall_getline(p[0].file, int(p[0].line))[int(p[0].column):]
    what = "return" if re.match(r"return\b", text) else "call"
    m = re.match(r"[A-Za-z_]\w*", text)
    # one line per covering start: the driver takes the call as noio-covered
    # only if every start that reaches it is a noio one
    print("GFPSCOPE " + json.dumps({"t": "scall", "what": what, "file": p[0].file,
          "line": int(p[0].line), "col": int(p[0].column), "callee": m.group(0) if m else "?",
          "caller": p[0].current_element, "save_line": int(ps[0].line),
          "opener": scall_opener(ps)}))

@failret depends on returns@
position pr, pi;
expression E;
constant C;
@@
(
return@pr ERR_PTR(...);
|
return@pr ERR_CAST(...);
|
return@pr NULL;
|
return@pi -C;
|
if (\(IS_ERR(E)\|IS_ERR_OR_NULL(E)\)) { ... \(return@pr E;\|return@pi PTR_ERR(E);\) }
|
if (\(IS_ERR(E)\|IS_ERR_OR_NULL(E)\)) \(return@pr E;\|return@pi PTR_ERR(E);\)
|
if (\(E\|E < 0\|E != 0\)) { ... return@pi E; }
|
if (\(E\|E < 0\|E != 0\)) return@pi E;
)

@allret depends on returns@
position pa;
@@
return@pa ...;

@tailret depends on returns@
position pt;
identifier sv : script:python () { sv in SCALL_SV };
identifier ckp : script:python () { ckp in SCALL_CKP };
identifier cki : script:python () { cki in SCALL_CKI };
@@
return@pt \(sv\|ckp\|cki\)(...);

@voidmiss depends on returns exists@
identifier fn, x3;
position pf;
expression E, c2;
type T2;
identifier sv : script:python () { sv in SCALL_SV };
identifier rf : script:python () { scall_ends(rf) };
symbol current;
expression Fl : script:python () { scall_pf(Fl) };
position pe : script:python () { scall_not_exempt(pe) };
iterator I : script:python () { scall_ends(I) };
declarer DD : script:python () { scall_ends(DD) };
statement S1;
@@
void fn@pf(...) {
(
... when != c2 = sv(...)
    when != T2 x3 = sv(...);
    when != sv(...)
    when != current->flags |= Fl
    when != c2 = memalloc_flags_save(Fl)
    when != T2 x3 = memalloc_flags_save(Fl);
|
... when any
\(rf@pe(...)\|current->flags = E\|current->flags &= E\|current->flags ^= E\)
... when != c2 = sv(...)
    when != T2 x3 = sv(...);
    when != sv(...)
    when != current->flags |= Fl
    when != c2 = memalloc_flags_save(Fl)
    when != T2 x3 = memalloc_flags_save(Fl);
|
... when any
(
I(...) S1
|
DD(...);
)
... when != c2 = sv(...)
    when != T2 x3 = sv(...);
    when != sv(...)
    when != current->flags |= Fl
    when != c2 = memalloc_flags_save(Fl)
    when != T2 x3 = memalloc_flags_save(Fl);
)
}

@retty depends on returns@
identifier fn;
type T;
position pv, pp;
@@
(
void fn@pv(...) { ... }
|
T *fn@pp(...) { ... }
)

@script:python@
pr << failret.pr;
@@
t = scall_getline(pr[0].file, int(pr[0].line))[int(pr[0].column):]
print("GFPSCOPE " + json.dumps({"t": "ret", "how": "fail", "type": "ptr", "file": pr[0].file,
      "line": int(pr[0].line), "col": int(pr[0].column), "fn": pr[0].current_element, "text": t.strip()[:60]}))

@script:python@
pr << failret.pi;
@@
t = scall_getline(pr[0].file, int(pr[0].line))[int(pr[0].column):]
print("GFPSCOPE " + json.dumps({"t": "ret", "how": "fail", "type": "int", "file": pr[0].file,
      "line": int(pr[0].line), "col": int(pr[0].column), "fn": pr[0].current_element, "text": t.strip()[:60]}))

@script:python@
pa << allret.pa;
@@
print("GFPSCOPE " + json.dumps({"t": "ret", "how": "any", "file": pa[0].file, "line": int(pa[0].line),
      "col": int(pa[0].column), "fn": pa[0].current_element}))

@script:python@
pt << tailret.pt;
@@
t = scall_getline(pt[0].file, int(pt[0].line))[int(pt[0].column):]
m = re.match(r"return\s+([A-Za-z_]\w*)", t)
print("GFPSCOPE " + json.dumps({"t": "ret", "how": "tail", "file": pt[0].file, "line": int(pt[0].line),
      "col": int(pt[0].column), "fn": pt[0].current_element, "callee": m.group(1) if m else "?"}))

@script:python@
pf << voidmiss.pf;
fn << voidmiss.fn;
@@
print("GFPSCOPE " + json.dumps({"t": "voidmiss", "file": pf[0].file, "fn": fn}))

@script:python@
pv << retty.pv;
fn << retty.fn;
@@
print("GFPSCOPE " + json.dumps({"t": "voidfn", "file": pv[0].file, "fn": fn}))

@script:python@
pp << retty.pp;
fn << retty.fn;
@@
print("GFPSCOPE " + json.dumps({"t": "ptrfn", "file": pp[0].file, "fn": fn}))
