// SPDX-License-Identifier: GPL-2.0-only
/// Facts for gfpscope's interprocedural analysis: which calls that end a
/// scope close one their own function opened (an "own" end).
//#
//# Not a coccicheck rule: scripts/gfpscope runs it on the files that call a
//# restore or a stop and reads the GFPSCOPE lines.
//#
//# E(x, ...) is an own end when x is a local of the function (declared once
//# in it, not a parameter, at least int wide, its address never taken) and, on every path
//# from the function's entry to the call, x was last set by an opener of the
//# same kind: x = memalloc_nofs_save() for memalloc_nofs_restore(x) (noio and
//# flags alike); for a provider's stop, a proven start that leaves its
//# cookie in x: x = start(...), start(..., &x, ...) or start(x, ...). A
//# restore puts back the flag as it was when its cookie was saved, so an
//# own end leaves the scope its caller holds as it was: a function whose
//# every end is own does not end its caller's scope (the driver checks that
//# every end the lexer sees in the function has a fact here saying "own").
//#
//# refuted by:
//#   entry: a path from the function's entry to the end with no opener of x;
//#   reset: a path from another write of x (x = E, x |= E, x++, or &x handed to a call
//#          that is not an opener) to the end with no opener after it;
//#   kind:  an opener of x of another kind than the end's.
//#   node:  a write of x in the node of the end (the same expression or
//#          declaration, or the init of a for header whose condition holds the
//#          end): the paths above go from node to node and would not see it;
//#   macro: the end in the arguments of a macro, an iterator or a name defined
//#          nowhere (it may run the end after it writes x), or x handed to one
//#          (it may assign its argument: #define clobber(v) ((v) = 0)), which
//#          counts as a write for reset.
//# The starts and stops come as data: -D names=FILE, a JSON object with
//# lists "starts" and "stops" (the driver's proven providers) and "nonfn" (the
//# names called in these files that are not plain functions: macros, and names
//# defined nowhere).
//
// Confidence: High
// Options: --no-includes --include-headers

@initialize:python@
@@
import json
import re
OE_OPEN = {"memalloc_nofs_save": "nofs", "memalloc_noio_save": "noio", "memalloc_flags_save": "flags"}
OE_END = {"memalloc_nofs_restore": "nofs", "memalloc_noio_restore": "noio",
          "memalloc_flags_restore": "flags"}
oe_read = []
oe_refuted = set()     # (file, line, col) of ends refuted
oe_openers = {}        # (file, function, x) -> kinds of the openers that set x
oe_opener_at = set()   # (file, line, col) of the writes of x that are openers
oe_saves = {}          # (file, function, x) -> [line, col] of the openers that set x
oe_decls = {}          # (file, function, x) -> how many declarations of x the function has
oe_not_local = set()   # (file, function, x): a parameter, a narrow type, or its address taken
oe_opener_amp = set()  # (file, line, col) of x in the &x an opener is handed

oe_lines = {}
OE_NONFN = set()       # names that are not plain functions (-D names: "nonfn")
oe_node_bad = set()    # (file, line, col) of ends refuted in their own node
oe_end_keys = set()    # (file, line, col) of the ends
oe_dexts = {}          # file -> [(line, col, line_end, col_end)] of declarations holding an end

def oe_name_at_key(k, x):
    """The end at k takes x as its first argument (a file may have ends of several cookies)."""
    if k[0] not in oe_lines:
        return True
    lines, n = oe_lines[k[0]], k[1]
    text = lines[n - 1].decode("latin-1")[k[2]:] if 0 < n <= len(lines) else ""
    m = re.match(r"[A-Za-z_]\w*\s*\(\s*([A-Za-z_]\w*)", text)
    return m is None or m.group(1) == x

def oe_extent(p):
    return (int(p[0].line), int(p[0].column), int(p[0].line_end), int(p[0].column_end))

def oe_inside(k, ext):
    return (ext[0], ext[1]) <= (k[1], k[2]) <= (ext[2], ext[3])

def oe_holds_end(pd):
    ext = oe_extent(pd)
    return any(k[0] == pd[0].file and oe_inside(k, ext) for k in oe_end_keys)

def oe_decl_of(k):
    return [ext for ext in oe_dexts.get(k[0], ()) if oe_inside(k, ext)]

def oe_key(p):
    return (p[0].file, int(p[0].line), int(p[0].column))

def oe_name_at(p):
    """The identifier at p (a script rule cannot inherit a script-constrained one)."""
    if p[0].file not in oe_lines:
        try:
            with open(p[0].file, "rb") as f:
                oe_lines[p[0].file] = f.read().split(b"\n")
        except OSError:
            oe_lines[p[0].file] = []
    lines, n = oe_lines[p[0].file], int(p[0].line)
    text = lines[n - 1].decode("latin-1")[int(p[0].column):] if 0 < n <= len(lines) else ""
    m = re.match(r"[A-Za-z_]\w*", text)
    return m.group(0) if m else None

@script:python@
nfile << virtual.names;
@@
if not oe_read:
    with open(nfile, encoding="utf-8") as f:
        n = json.load(f)
    OE_OPEN.update({s: "tx" for s in n.get("starts", ())})
    OE_END.update({s: "tx" for s in n.get("stops", ())})
    OE_NONFN.update(n.get("nonfn", ()))
    oe_read.append(nfile)

@ends@
identifier e : script:python () { e in OE_END };
identifier x;
position p;
@@
e@p(x, ...)

@opener@
identifier ends.x;
identifier s : script:python () { s in OE_OPEN };
position pw, ps, pamp;
@@
(
x@pw = s@ps(...)
|
s@ps@pw(..., &x@pamp, ...)
|
s@ps@pw(x, ...)
)

@opener_decl@
identifier ends.x;
identifier s : script:python () { s in OE_OPEN };
type T;
position pw, ps;
@@
T x@pw = s@ps(...);

@script:python@
x << ends.x;
pw << opener.pw;
ps << opener.ps;
pamp << opener.pamp = [];
@@
if pamp:
    oe_opener_amp.add(oe_key(pamp))
oe_opener_at.add(oe_key(pw))
oe_openers.setdefault((ps[0].file, ps[0].current_element, x), set()).add(OE_OPEN.get(oe_name_at(ps), "?"))
oe_saves.setdefault((ps[0].file, ps[0].current_element, x), set()).add((int(ps[0].line), int(ps[0].column)))

@script:python@
x << ends.x;
pw << opener_decl.pw;
ps << opener_decl.ps;
@@
oe_opener_at.add(oe_key(pw))
oe_openers.setdefault((ps[0].file, ps[0].current_element, x), set()).add(OE_OPEN.get(oe_name_at(ps), "?"))
oe_saves.setdefault((ps[0].file, ps[0].current_element, x), set()).add((int(ps[0].line), int(ps[0].column)))

// the cookie must be a plain local of the function: declared there once (no parameter, no
// global, no shadowing), wide enough for the flags, and its address never taken
@param@
identifier ends.x, fn;
type T;
position pp;
@@
fn@pp(..., T x, ...) { ... }

@decl@
identifier ends.x;
type T;
position pd;
@@
(
T x@pd;
|
T x@pd = ...;
)

@addr@
identifier ends.x;
position pa;
@@
\(&x@pa\)

@script:python@
x << ends.x;
pp << param.pp;
@@
oe_not_local.add((pp[0].file, pp[0].current_element, x))

@script:python@
x << ends.x;
pd << decl.pd;
T << decl.T;
@@
k = (pd[0].file, pd[0].current_element, x)
oe_decls[k] = oe_decls.get(k, 0) + 1
if re.search(r"\b(char|short|bool|_Bool|u8|u16|s8|s16|__u8|__u16)\b", T):
    oe_not_local.add(k)

@script:python@
x << ends.x;
pa << addr.pa;
@@
# &x handed to an opener is how the opener sets it (xfs_trans_alloc(..., &tp))
if oe_key(pa) not in oe_opener_amp:
    oe_not_local.add((pa[0].file, pa[0].current_element, x))

@entry exists@
identifier ends.x, fn, g;
identifier s : script:python () { s in OE_OPEN };
position ends.p, q;
type T;
@@
fn(...) {
... when != x = s(...)
    when != T x = s(...);
    when != s(..., &x, ...)
    when != s(x, ...)
g@p@q(x, ...)
... when any
}

@reset exists@
identifier ends.x, g, h;
identifier m : script:python () { m in OE_NONFN };
identifier s : script:python () { s in OE_OPEN };
expression E, F;
assignment operator aop;
position ends.p, pw, q;
@@
(
x@pw aop E
|
x@pw++
|
x@pw--
|
\( ++x \& F@pw \)
|
\( --x \& F@pw \)
|
h@pw(..., &x, ...)
|
m@pw(..., x, ...)
)
... when != x = s(...)
    when != s(..., &x, ...)
    when != s(x, ...)
g@p@q(x, ...)

@script:python@
q << entry.q;
@@
oe_refuted.add(oe_key(q))

@script:python@
q << reset.q;
pw << reset.pw;
@@
if oe_key(pw) not in oe_opener_at:
    oe_refuted.add(oe_key(q))

// the same for a macro that spatch parses as an iterator or a declarer
@reset_s exists@
identifier ends.x, g;
identifier s : script:python () { s in OE_OPEN };
iterator I;
declarer DD;
statement S;
position ends.p, pw, q;
@@
(
I@pw(..., x, ...) S
|
DD@pw(..., x, ...);
)
... when != x = s(...)
    when != s(..., &x, ...)
    when != s(x, ...)
g@p@q(x, ...)

@script:python@
q << reset_s.q;
@@
oe_refuted.add(oe_key(q))

// node: a write of x in the expression of the end, or in a for header before it
@onode@
identifier ends.x, e, h;
position ends.p, q;
expression E, F;
assignment operator aop;
@@

\( E \& <+... \( x aop F \| x++ \| x-- \| ++x \| --x \| h(..., &x, ...) \) ...+> \& <+... e@p@q(x, ...) ...+> \)

@script:python@
q << onode.q;
@@
oe_node_bad.add(oe_key(q))

@ofor@
identifier ends.x, e, h, y;
position ends.p, q;
expression F;
assignment operator aop;
type T;
statement S;
@@

(
for (<+... \( x aop F \| x++ \| x-- \| ++x \| --x \| h(..., &x, ...) \) ...+>; <+... e@p@q(x, ...) ...+>; ...) S
|
for (T y = <+... \( x aop F \| x++ \| x-- \| ++x \| --x \| h(..., &x, ...) \) ...+>; <+... e@p@q(x, ...) ...+>; ...) S
)

@script:python@
q << ofor.q;
@@
oe_node_bad.add(oe_key(q))

// node: a write of x in another declarator of the declaration of the end (only the
// declarations that hold an end, and the writes in them)
@script:python@
p << ends.p;
@@
oe_end_keys.add(oe_key(p))

@odecl@
declaration D;
position pd : script:python () { oe_holds_end(pd) };
@@

D@pd

@script:python@
pd << odecl.pd;
@@
oe_dexts.setdefault(pd[0].file, []).append(oe_extent(pd))

@owrite depends on odecl@
identifier ends.x, h;
position pw : script:python () { bool(oe_decl_of(oe_key(pw))) };
expression F, G;
assignment operator aop;
@@

\( x@pw aop F \| x@pw++ \| x@pw-- \| \( ++x \& G@pw \) \| \( --x \& G@pw \) \| h(..., &x@pw, ...) \)

@script:python@
x << ends.x;
pw << owrite.pw;
@@
w = oe_key(pw)
for k in oe_end_keys:
    if k[0] == w[0] and set(oe_decl_of(k)) & set(oe_decl_of(w)) and oe_name_at_key(k, x):
        oe_node_bad.add(k)

// macro: the end in the arguments of a macro, an iterator or a name defined nowhere
@inmacro@
identifier ends.x, e;
identifier m : script:python () { m in OE_NONFN };
position ends.p, q;
@@

m(..., <+... e@p@q(x, ...) ...+>, ...)

@script:python@
q << inmacro.q;
@@
oe_node_bad.add(oe_key(q))

@initer@
identifier ends.x, e;
iterator I;
statement S;
position ends.p, q;
@@

I(..., <+... e@p@q(x, ...) ...+>, ...) S

@script:python@
q << initer.q;
@@
oe_node_bad.add(oe_key(q))

@indeclr@
identifier ends.x, e;
declarer DD;
position ends.p, q;
@@

DD(..., <+... e@p@q(x, ...) ...+>, ...);

@script:python@
q << indeclr.q;
@@
oe_node_bad.add(oe_key(q))

@script:python@
p << ends.p;
x << ends.x;
@@
e = oe_name_at(p)
kinds = oe_openers.get((p[0].file, p[0].current_element, x), set())
k = (p[0].file, p[0].current_element, x)
local = oe_decls.get(k) == 1 and k not in oe_not_local
own = local and oe_key(p) not in oe_refuted and oe_key(p) not in oe_node_bad and bool(kinds) and \
    kinds == {OE_END.get(e)}
saves = sorted(oe_saves.get((p[0].file, p[0].current_element, x), ()))
print("GFPSCOPE " + json.dumps({"t": "end", "file": p[0].file, "line": int(p[0].line),
      "col": int(p[0].column), "fn": p[0].current_element, "callee": e, "cookie": x, "own": own,
      "saves": [list(s) for s in saves]}))
