// SPDX-License-Identifier: GPL-2.0-only
/// Facts for gfpscope's interprocedural analysis: the calls that run while a
/// parameter of a scope-token type (a live transaction handle) is known to be
/// valid, with no scope-ending call since.
//#
//# Not a coccicheck rule: scripts/gfpscope runs it on the files that name a
//# token type (analyse/tokens.py decides which struct types are tokens: every
//# object of the type is created by a start that saves the scope's cookie in
//# it, or takes over another's cookie, and every stop ends its life). A
//# parameter p of such a type is live where it is known not to be NULL:
//#  - a dereference p->f runs before the call on every path (a "good"
//#    dereference: not under &, sizeof, the right side of && or ||, a branch
//#    of ?:, or an argument of a macro, which may not evaluate it: ASSERT()),
//#    and no scope-ending call or write to current->flags runs between; or
//#  - every path through the function dereferences p (so p was valid on
//#    entry), and no scope-ending call runs between the entry and the call.
//# A function that assigns p, takes its address or declares a local of the
//# same name gives no facts (the handle it holds later may be another one).
//# The proof is the scoped-calls rule's: candidates (cand_in: the calls the
//# driver lists as targets, and the allocators), refuted by a path from the
//# entry without a good dereference (u1) or from an end without one after it
//# (u2). Their "..." are "when any": without it a path could not pass another
//# call of a target, and a call behind one (if (!list_empty(...)) before an
//# allocation) would never be refuted.
//#
//# -D names=FILE: a JSON object: types {struct tag: kind}, aliases {tag:
//# [typedef names]}, carriers {struct: {field: tag}} (structs that hold a
//# handle), params (false: only the carriers' fields), rf (scope-ending
//# calls besides the memalloc restores), rf_re (the local rule's regex of
//# them), nonfn (names called in these files that are macros or defined
//# nowhere: their arguments may not be evaluated), fn (the scope-ending names
//# that are plain functions: a call in their arguments runs before they do; a
//# call in the arguments of any other may run after it ends the scope, and is
//# not covered, nor is a call with a possible end elsewhere in its own node).
//
// Confidence: High
// Options: --no-includes --include-headers

@initialize:python@
@@
import json
import re
tok_bad_ranges = []
tok_good = set()
tok_bad = set()
tok_reassigned = set()
tok_not_entry = set()
tok_first = {}
tok_names_read = []
tok_type = {}
tok_files = {}
TOK_TYPES = {}
TOK_CARRIERS = {}
TOK_ALIASES = {}
TOK_SPELLED = {}
TOK_PARAMS = [True]
tok_carrier = {}
tok_first_field = {}
TOK_NONFN = set()
TOK_RF = set()
TOK_RF_LOCAL = []
TOK_TARGETS = set()
TOK_HAS_TARGETS = []
TOK_ALLOC = []
TOK_RF_RE = re.compile(r"memalloc_[A-Za-z0-9_]+_restore|current_restore_flags[A-Za-z0-9_]*")

def tok_key(p):
    return (p[0].file, int(p[0].line), int(p[0].column))

def tok_ends(name):
    return name in TOK_RF or TOK_RF_RE.fullmatch(name) is not None or \
        any(r.fullmatch(name) is not None for r in TOK_RF_LOCAL)

def tok_in_bad(p):
    at = (p[0].file, int(p[0].line), int(p[0].column))
    return any(f == at[0] and (l1, c1) <= at[1:] < (l2, c2) for f, l1, c1, l2, c2 in tok_bad_ranges)

def tok_line(path, line):
    if path not in tok_files:
        try:
            with open(path, "rb") as f:
                tok_files[path] = f.read().split(b"\n")
        except OSError:
            tok_files[path] = []
    lines = tok_files[path]
    return lines[line - 1].decode("latin-1") if 0 < line <= len(lines) else ""

def tok_spelled(T, carriers=True):
    """T (a parameter's type) is a pointer to a token type, or to a carrier."""
    kind = TOK_SPELLED.get(re.sub(r"\s+", "", T))
    return (kind == "type" and TOK_PARAMS[0]) or (carriers and kind == "carrier")

def tok_type_at(pp, p, types=None):
    """The token type (or carrier) of parameter p, declared on the lines up to its position
    (struct T *p, or a typedef name of T)."""
    line = int(pp[0].line)
    text = " ".join(tok_line(pp[0].file, l) for l in range(max(1, line - 3), line + 1))
    found = [t for t in (TOK_TYPES if types is None else types)
             if any(re.search(r"\b%s\s*\*\s*%s\b" % (n, re.escape(p)), text)
                    for n in [r"struct\s+" + re.escape(t)] + [re.escape(a) for a in TOK_ALIASES.get(t, [])])]
    return found[0] if len(found) == 1 else None

def tok_target(g):
    """Calls worth a fact: the allocators and the names the driver lists (the functions
    that lead to a site); with no list, every call."""
    if not TOK_HAS_TARGETS:
        return not TOK_RF_RE.fullmatch(g)
    return g in TOK_TARGETS or any(r.match(g) for r in TOK_ALLOC)

def tok_is_good(p):
    return tok_key(p) in tok_good

# Same node. u1 and u2 follow paths from node to node, so a possible end in the own node
# of a call is not between the dereference and the call: a macro may run its argument
# after it ends the scope, and the operands of an expression, the arguments of a call and
# the declarators of a declaration run in any order. Such a call is not covered, unless
# it lies in the arguments of a call to a plain function (names: "fn"), which evaluates
# them before it runs. The node is the expression of the call (tnode), its declaration
# (tdecl, tends), a for header (tfor: the init runs before the condition) or the header of
# an iterator (titer_t, titer_e); a call inside an iterator or a declarer that may end a
# scope (a macro) is not covered either (titer, tdeclr).
TOK_FN = set()
tok_cands = set()     # keys of the candidate calls
tok_same = {}         # call key -> {keys of possible ends in its expression}
tok_inarg = set()     # (call key, end key): the call is in the arguments of the end
tok_decls = {}        # file -> [(line, col, line_end, col_end)] of declarations holding a call
tok_endat = {}        # file -> {keys of the possible ends in them}
tok_iter_t = {}       # call key -> {keys of the iterators whose header holds it}
tok_iter_e = set()    # keys of the iterators whose header holds a possible end
tok_within = {}       # file -> [(line, col, line_end, col_end)] of iterators that may end a scope
tok_node_bad = set()  # call keys refuted outright

def tok_extent(p):
    return (int(p[0].line), int(p[0].column), int(p[0].line_end), int(p[0].column_end))

def tok_inside(k, ext):
    return (ext[0], ext[1]) <= (k[1], k[2]) <= (ext[2], ext[3])

def tok_holds_cand(pd):
    ext = tok_extent(pd)
    return any(c[0] == pd[0].file and tok_inside(c, ext) for c in tok_cands)

def tok_in_decl(pe):
    k = tok_key(pe)
    return any(tok_inside(k, ext) for ext in tok_decls.get(k[0], ()))

def tok_name_at(k):
    m = re.match(r"[A-Za-z_]\w*", tok_line(k[0], k[1])[k[2]:])
    return m.group(0) if m else ""

def tok_same_node(k):
    """A possible end in the node of call k that is not known to run after it, or None."""
    if k in tok_node_bad:
        return k
    ends = set(tok_same.get(k, ()))
    for ext in tok_decls.get(k[0], ()):
        if tok_inside(k, ext):
            ends |= {e for e in tok_endat.get(k[0], ()) if tok_inside(e, ext)}
    for e in ends:
        if e != k and not ((k, e) in tok_inarg and tok_name_at(e) in TOK_FN):
            return e
    if tok_iter_t.get(k, set()) & tok_iter_e:
        return k
    if any(tok_inside(k, ext) for ext in tok_within.get(k[0], ())):
        return k
    return None

@script:python@
nfile << virtual.names;
@@
if not tok_names_read:
    with open(nfile, encoding="utf-8") as f:
        n = json.load(f)
    TOK_TYPES.update(n.get("types", {}))
    TOK_CARRIERS.update(n.get("carriers", {}))
    TOK_ALIASES.update(n.get("aliases", {}))
    if n.get("params") is False:  # a pass over the carriers alone
        TOK_PARAMS[0] = False
    # how a parameter of a token type (or of a carrier) may be spelled: struct T *, or a
    # typedef name of the struct (xfs_trans_t *)
    for t in TOK_TYPES:
        for w in ["struct" + t] + TOK_ALIASES.get(t, []):
            TOK_SPELLED[w + "*"] = "type"
    for c in TOK_CARRIERS:
        TOK_SPELLED.setdefault("struct" + c + "*", "carrier")
    TOK_NONFN.update(n.get("nonfn", ()))
    TOK_RF.update(n.get("rf", ()))
    TOK_FN.update(n.get("fn", ()))
    if n.get("rf_re"):
        # the scope-ending calls of the local rule (rulepatterns.scope_enders)
        TOK_RF_LOCAL.append(re.compile(n["rf_re"]))
    if n.get("targets") is not None:
        TOK_TARGETS.update(n["targets"])
        TOK_HAS_TARGETS.append(True)
    if n.get("alloc_re"):
        TOK_ALLOC.append(re.compile(n["alloc_re"]))
    tok_names_read.append(nfile)

@par@
identifier f, p;
type T : script:python () { tok_spelled(T, False) };
position pp;
@@
f(..., T p@pp, ...) { ... }

@script:python@
f << par.f;
p << par.p;
pp << par.pp;
@@
# the type, read from the text (a script cannot inherit a constrained name)
tok_type[(pp[0].file, f, p)] = tok_type_at(pp, p)
if tok_type[(pp[0].file, f, p)]:
    print("GFPSCOPE " + json.dumps({"t": "scall", "what": "param", "file": pp[0].file,
          "line": int(pp[0].line), "col": int(pp[0].column), "caller": f, "param": p,
          "type": tok_type[(pp[0].file, f, p)]}))

// a parameter of a struct that holds a handle in a field (args->trans, cur->bc_tp): the
// handle is live where p->field is dereferenced before the call on every path (never on
// entry: a call may have set the field)
@cpar@
identifier f, p;
identifier cn : script:python () { cn in TOK_CARRIERS };
position pp;
@@
f(..., struct cn *p@pp, ...) { ... }

@script:python@
f << cpar.f;
p << cpar.p;
pp << cpar.pp;
@@
c = tok_type_at(pp, p, TOK_CARRIERS)
if c and not tok_type.get((pp[0].file, f, p)):
    tok_carrier[(pp[0].file, f, p)] = c

// The rules below bind the function and its parameter themselves, rather than
// inheriting them from par: an inherited binding makes spatch match the whole
// file once per parameter, which timed out on fs/xfs/libxfs/xfs_bmap.c. The
// scripts keep what belongs to a (file, function, parameter) of par.

// the parameter assigned, its address taken, or a local of its name
@reassigned@
identifier p;
expression E;
position pa;
@@
\(p@pa = E\|&p@pa\|p@pa++\|p@pa--\|++p@pa\|--p@pa\|p@pa += E\|p@pa -= E\)

@script:python@
p << reassigned.p;
pa << reassigned.pa;
@@
tok_reassigned.add((pa[0].file, pa[0].current_element, p))

@shadowed@
identifier p;
expression E;
type T;
position pa;
@@
\(T p@pa;\|T p@pa = E;\)

@script:python@
p << shadowed.p;
pa << shadowed.pa;
@@
tok_reassigned.add((pa[0].file, pa[0].current_element, p))

// Where a dereference is not one: its value is not needed, or it may not run.
@nonderef@
expression E, E1, E2;
position pr;
identifier m : script:python () { m in TOK_NONFN };
@@
(
\(&E@pr\)
|
E1 && E2@pr
|
E1 || E2@pr
|
E1 ? E2@pr : E
|
E1 ? E : E2@pr
|
sizeof(E@pr)
|
m(...,E@pr,...)
)

@script:python@
pr << nonderef.pr;
@@
tok_bad_ranges.append((pr[0].file, int(pr[0].line), int(pr[0].column),
                       int(pr[0].line_end), int(pr[0].column_end)))

// the third expression of a for loop runs only after the body: not on a path that
// leaves the loop at once
@nonderef_for@
expression E1, E2, E3;
statement S;
position pr;
@@
for (E1; E2; E3@pr) S

@script:python@
pr << nonderef_for.pr;
@@
tok_bad_ranges.append((pr[0].file, int(pr[0].line), int(pr[0].column),
                       int(pr[0].line_end), int(pr[0].column_end)))

@deref@
identifier p, fld;
position pd;
@@
p@pd->fld

@script:python@
p << deref.p;
pd << deref.pd;
@@
k = (pd[0].file, pd[0].current_element, p)
if tok_type.get(k) and k not in tok_reassigned and not tok_in_bad(pd):
    tok_good.add(tok_key(pd))
    tok_first[k] = min(tok_first.get(k, 1 << 30), int(pd[0].line))

@deref_f@
identifier p, hf, fld;
position pd;
@@
p->hf@pd->fld

@script:python@
p << deref_f.p;
hf << deref_f.hf;
pd << deref_f.pd;
@@
k = (pd[0].file, pd[0].current_element, p)
if hf in TOK_CARRIERS.get(tok_carrier.get(k), {}) and k not in tok_reassigned and not tok_in_bad(pd):
    tok_good.add(tok_key(pd))
    if int(pd[0].line) < tok_first.get(k, 1 << 30):
        tok_first[k] = int(pd[0].line)
        tok_first_field[k] = hf

// a path through the whole function with no good dereference: p may be NULL on entry
@uentry exists@
identifier f, p, fld, hf;
type T : script:python () { tok_spelled(T) };
position pg : script:python () { tok_is_good(pg) };
position pu;
@@
f@pu(..., T p, ...) {
... when != \(p@pg->fld \| p->hf@pg->fld\)
}

@script:python@
p << uentry.p;
pu << uentry.pu;
@@
tok_not_entry.add((pu[0].file, pu[0].current_element, p))

// every call that matters in such a function: the candidates, refuted below
@cand_in exists@
identifier f, p;
type T : script:python () { tok_spelled(T) };
identifier g : script:python () { tok_target(g) };
position pt;
@@
f(..., T p, ...) {
... when any
g@pt(...)
... when any
}

@u1 exists@
identifier f, p, fld, hf;
identifier g : script:python () { tok_target(g) };
type T : script:python () { tok_spelled(T) };
position pg : script:python () { tok_is_good(pg) };
position pt;
@@
f(..., T p, ...) {
... when != \(p@pg->fld \| p->hf@pg->fld\)
    when any
g@pt(...)
... when any
}

@u2 exists@
identifier f, p, fld, hf;
identifier g : script:python () { tok_target(g) };
type T : script:python () { tok_spelled(T) };
position pg : script:python () { tok_is_good(pg) };
identifier rf : script:python () { tok_ends(rf) };
symbol current;
expression E;
position pt;
@@
f(..., T p, ...) {
... when any
(
rf(...)
|
current->flags = E
|
current->flags &= E
|
current->flags ^= E
)
... when != \(p@pg->fld \| p->hf@pg->fld\)
    when any
g@pt(...)
... when any
}

@script:python@
f << u1.f;
p << u1.p;
pt << u1.pt;
@@
tok_bad.add(("u1", f, p) + tok_key(pt))

@script:python@
f << u2.f;
p << u2.p;
pt << u2.pt;
@@
tok_bad.add(("u2", f, p) + tok_key(pt))

// the files with an iterator or a declarer that may end a scope: only they need the
// rules about them
@iter_any@
iterator I : script:python () { tok_ends(I) };
statement S;
@@

I(...) S

@declr_any@
declarer DD : script:python () { tok_ends(DD) };
@@

DD(...);

// a possible end that spatch parses as a statement of its own rather than a call: an
// iterator, whose header may end the scope, or a declarer
@u2s depends on iter_any || declr_any exists@
identifier f, p, fld, hf;
identifier g : script:python () { tok_target(g) };
type T : script:python () { tok_spelled(T) };
position pg : script:python () { tok_is_good(pg) };
iterator I : script:python () { tok_ends(I) };
declarer DD : script:python () { tok_ends(DD) };
statement S1;
position pt;
@@
f(..., T p, ...) {
... when any
(
I(...) S1
|
DD(...);
)
... when != \(p@pg->fld \| p->hf@pg->fld\)
    when any
g@pt(...)
... when any
}

@script:python@
f << u2s.f;
p << u2s.p;
pt << u2s.pt;
@@
tok_bad.add(("u2", f, p) + tok_key(pt))

@script:python@
pt << cand_in.pt;
@@
tok_cands.add(tok_key(pt))

// Same node (tok_same_node): the possible ends in the node of a candidate
@tnode depends on cand_in@
position q : script:python () { tok_key(q) in tok_cands };
position pe;
identifier rf : script:python () { tok_ends(rf) };
identifier g;
expression E, F;
symbol current;
@@

\( E \& <+... \( rf@pe(...) \| current@pe->flags = F \| current@pe->flags &= F \| current@pe->flags ^= F \) ...+> \& <+... g@q(...) ...+> \)

@script:python@
q << tnode.q;
pe << tnode.pe;
@@
tok_same.setdefault(tok_key(q), set()).add(tok_key(pe))

@targ depends on cand_in@
position q : script:python () { tok_key(q) in tok_cands };
position pe;
identifier rf : script:python () { tok_ends(rf) };
identifier g;
@@

rf@pe(..., <+... g@q(...) ...+>, ...)

@script:python@
q << targ.q;
pe << targ.pe;
@@
tok_inarg.add((tok_key(q), tok_key(pe)))

// (only the declarations that hold a candidate, and the ends in them)
@tdecl depends on cand_in@
declaration D;
position pd : script:python () { tok_holds_cand(pd) };
@@

D@pd

@script:python@
pd << tdecl.pd;
@@
tok_decls.setdefault(pd[0].file, []).append(tok_extent(pd))

@tends depends on tdecl@
position pe : script:python () { tok_in_decl(pe) };
identifier rf : script:python () { tok_ends(rf) };
expression F;
symbol current;
@@

\( rf@pe(...) \| current@pe->flags = F \| current@pe->flags &= F \| current@pe->flags ^= F \)

@script:python@
pe << tends.pe;
@@
tok_endat.setdefault(pe[0].file, set()).add(tok_key(pe))

@tfor depends on cand_in@
position q : script:python () { tok_key(q) in tok_cands };
identifier rf : script:python () { tok_ends(rf) };
identifier g, x;
type T;
expression F;
statement S;
symbol current;
@@

(
for (<+... \( rf(...) \| current->flags = F \| current->flags &= F \| current->flags ^= F \) ...+>; <+... g@q(...) ...+>; ...) S
|
for (T x = <+... \( rf(...) \| current->flags = F \| current->flags &= F \| current->flags ^= F \) ...+>; <+... g@q(...) ...+>; ...) S
)

@script:python@
q << tfor.q;
@@
tok_node_bad.add(tok_key(q))

@tdeclr depends on declr_any@
position q : script:python () { tok_key(q) in tok_cands };
declarer DD : script:python () { tok_ends(DD) };
identifier g;
@@

DD(..., <+... g@q(...) ...+>, ...);

@script:python@
q << tdeclr.q;
@@
tok_node_bad.add(tok_key(q))

@titer depends on iter_any && cand_in@
iterator I : script:python () { tok_ends(I) };
statement S, S0;
position ps;
@@

\( S0@ps \& I(...) S \)

@script:python@
ps << titer.ps;
@@
tok_within.setdefault(ps[0].file, []).append(tok_extent(ps))

@titer_t depends on cand_in@
position q : script:python () { tok_key(q) in tok_cands };
position pi;
iterator I;
identifier g;
statement S;
@@

I@pi(..., <+... g@q(...) ...+>, ...) S

@script:python@
q << titer_t.q;
pi << titer_t.pi;
@@
tok_iter_t.setdefault(tok_key(q), set()).add(tok_key(pi))

@titer_e depends on titer_t@
position pi;
iterator I;
identifier rf : script:python () { tok_ends(rf) };
expression F;
statement S;
symbol current;
@@

I@pi(..., <+... \( rf(...) \| current->flags = F \| current->flags &= F \| current->flags ^= F \) ...+>, ...) S

@script:python@
pi << titer_e.pi;
@@
tok_iter_e.add(tok_key(pi))

@script:python@
f << cand_in.f;
p << cand_in.p;
pt << cand_in.pt;
@@
# a call is covered when the handle was dereferenced before it on every path (no u1),
# or on every path through the function (valid on entry), and no path reaches it from a
# scope end without a dereference after the end (no u2)
k = tok_key(pt)
fk = (pt[0].file, f, p)
sn = tok_type.get(fk)
handle = p
entry = fk not in tok_not_entry and fk in tok_first
if not sn and fk in tok_carrier:
    # a handle in a field of p: a call may set the field, so no proof from the entry
    handle = "%s->%s" % (p, tok_first_field.get(fk))
    sn = TOK_CARRIERS[tok_carrier[fk]].get(tok_first_field.get(fk))
    entry = False
if sn and pt[0].current_element == f and fk not in tok_reassigned and \
        ("u2", f, p) + k not in tok_bad and (entry or ("u1", f, p) + k not in tok_bad) and \
        tok_same_node(k) is None:
    print("GFPSCOPE " + json.dumps({"t": "scall", "what": "call", "file": pt[0].file,
          "line": int(pt[0].line), "col": int(pt[0].column), "caller": f,
          "save_line": tok_first.get(fk), "opener": "token:%s:%s" % (sn, handle),
          "kind": TOK_TYPES[sn], "how": "deref" if ("u1", f, p) + k not in tok_bad else "entry"}))
