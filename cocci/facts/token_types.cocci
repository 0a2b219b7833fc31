// SPDX-License-Identifier: GPL-2.0-only
/// Facts for gfpscope's token discovery: where objects of a candidate
/// scope-token type are created, and whether each creation opens the scope.
//#
//# Not a coccicheck rule: scripts/gfpscope runs it on the files that name a
//# candidate type (a struct whose field a start saves the scope's cookie in,
//# analyse/tokens.py) and reads the GFPSCOPE lines:
//#  - create: x = a(...) with x of the type (a pointer to it), a an
//#    allocator (alloc_re) or a function declared to return the type
//#    (producers): the driver decides which of those create (allocators,
//#    and functions that return a new object);
//#  - opened: the same assignment, followed on every path by a call that
//#    gets x as an argument (o(..., x, ...)), the first call that gets it
//#    (the handle goes nowhere before it is opened): the driver accepts it when o
//#    opens the scope into x (the seed) or moves another token's cookie
//#    into it (a handover);
//#  - returns: a function returning the type that returns a call's result
//#    directly (jbd2_alloc_handle(): return kmem_cache_zalloc(...)).
//#
//# -D names=FILE: a JSON object: types, the spellings of each candidate
//# ("struct xfs_trans *", "handle_t *"); alloc_re, the allocators; producers.
//
// Confidence: High
// Options: --no-includes --include-headers

@initialize:python@
@@
import json
import re
TT_SPELLINGS = set()
TT_PRODUCERS = set()
TT_ALLOC = []
tt_names_read = []

def tt_creates(a):
    return a in TT_PRODUCERS or any(r.match(a) for r in TT_ALLOC)

def tt_is(T):
    return re.sub(r"\s+", "", T) in TT_SPELLINGS

def tt_out(kind, p, **more):
    print("GFPSCOPE " + json.dumps(dict({"t": kind, "file": p[0].file, "line": int(p[0].line),
                                         "col": int(p[0].column), "fn": p[0].current_element}, **more)))

@script:python@
nfile << virtual.names;
@@
if not tt_names_read:
    with open(nfile, encoding="utf-8") as f:
        n = json.load(f)
    for spellings in n.get("types", {}).values():
        TT_SPELLINGS.update(re.sub(r"\s+", "", s) for s in spellings)
    TT_PRODUCERS.update(n.get("producers", ()))
    if n.get("alloc_re"):
        TT_ALLOC.append(re.compile(n["alloc_re"]))
    tt_names_read.append(nfile)

@crt@
type T : script:python () { tt_is(T) };
T x;
identifier a : script:python () { tt_creates(a) };
position pc;
@@
x = a@pc(...)

@script:python@
pc << crt.pc;
x << crt.x;
a << crt.a;
T << crt.T;
@@
tt_out("create", pc, var=x, callee=a, type=re.sub(r"\s+", " ", T).strip())

@opened@
type crt.T;
T crt.x;
identifier crt.a, o, g;
position crt.pc;
@@
x = a@pc(...);
... when != g(..., x, ...)
o(..., x, ...);

@script:python@
pc << crt.pc;
o << opened.o;
@@
tt_out("opened", pc, by=o)

// the same, for a declaration with the creation as its initializer (crt
// matches it too, at the same position)
@crt_decl@
type T : script:python () { tt_is(T) };
identifier x;
identifier a : script:python () { tt_creates(a) };
position pc;
@@
T x = a@pc(...);

@opened_decl@
type crt_decl.T;
identifier crt_decl.x, crt_decl.a, o, g;
position crt_decl.pc;
@@
T x = a@pc(...);
... when != g(..., x, ...)
o(..., x, ...);

@script:python@
pc << crt_decl.pc;
o << opened_decl.o;
@@
tt_out("opened", pc, by=o)

@ret@
identifier f, a;
type T : script:python () { tt_is(T) };
position pc;
@@
T f(...) { ... when any
return a@pc(...);
}

@script:python@
pc << ret.pc;
a << ret.a;
T << ret.T;
@@
tt_out("returns", pc, callee=a, type=re.sub(r"\s+", " ", T).strip())
