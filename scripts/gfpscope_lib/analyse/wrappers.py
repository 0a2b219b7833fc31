"""Macros that wrap a memalloc scope around one of their arguments, read from their #defines.

bcachefs's

    #define memalloc_flags_do(_flags, _do) ({ unsigned _saved_flags = memalloc_flags_save(_flags);
            typeof(_do) _ret = _do; memalloc_noreclaim_restore(_saved_flags); _ret; })

and `do { unsigned int f = memalloc_nofs_save(); stmt; memalloc_nofs_restore(f); } while (0)`
evaluate one argument inside a scope, so the calls written in that argument run in it
(cocci/facts/scoped_calls.cocci's rules wuse/wcall/wend find the uses). A macro is such a
wrapper only if every #define of its name in the tree (gfplex's DEFINE records: every live
#if branch, every file) is the same, the name is not also a function, and that body, token
by token, is exactly

    ({ T c = SAVE; USE; RESTORE(c); [r;] })      or      do { T c = SAVE; USE; RESTORE(c); } while (0)

with T a few integer type words, c a local of the macro, SAVE memalloc_nofs_save(),
memalloc_noio_save() or memalloc_flags_save(F) (F: PF_ constants, or one parameter whose
argument gives the flags at each use), USE the wrapped parameter P as a statement
(P, (P)) or as `typeof(P) r = P` / `__auto_type r = P`, and RESTORE a memalloc_*_restore
of that same c. Nothing else may be in the body: so nothing before or after the argument
can end the scope while it runs, the argument is evaluated once and only there, and every
other parameter is dropped. Anything else (a parameter used twice, the restore first, a
conditional save or restore, another cookie, a literal, a ## or #) is no wrapper, and the
calls of its arguments are left as they are (not in a scope).

A macro defined only in .c files is seen only there, after its #define; one a header
defines is taken as seen wherever it is used (a file that uses it without including the
header does not compile, unless the name means something else there: a local function
pointer of that name is not looked for).
"""
import re

SAVES = ("memalloc_nofs_save", "memalloc_noio_save", "memalloc_flags_save")
TYPE_WORDS = {"const", "unsigned", "signed", "int", "long", "u32", "u64"}
TYPEOF = {"typeof", "__typeof__", "__typeof"}
RESTORE = re.compile(r"memalloc_\w+_restore$")
IDENT = re.compile(r"[A-Za-z_]\w*$")
PF_TOKEN = re.compile(r"PF_\w+$|[|()]$")


def table(graph):
    """{name: wrapper} for the macros of the tree that qualify (see the module's docstring)."""
    out = {}
    for name, defs in sorted(graph.wrap_defs.items()):
        if any(fn for _f, _l, fn, _p, _b in defs) or len({(p, b) for _f, _l, _fn, p, b in defs}) != 1:
            continue
        w = shape(defs[0][3], defs[0][4])
        if w is None:
            continue
        files = {f for f, _l, _fn, _p, _b in defs}
        w["defs"] = sorted((f, line) for f, line, _fn, _p, _b in defs)
        w["vis"] = None if any(f.endswith(".h") for f in files) else \
            {f: min(line for g, line in w["defs"] if g == f) for f in files}
        out[name] = w
    return out


def use_files(graph, wraps):
    """The files where a function calls one of the wrappers: the files the rule must read
    for them (not the #define's own file, where nothing uses it: reading more files would
    only add their calls to the names unknowns.py checks)."""
    out = set()
    for name in wraps:
        for caller, file, _line, _col in graph.callers(name):
            if caller != "-" and caller not in graph.macros:
                out |= graph.multi_files.get((name, caller)) or {file}
    return out


def rule_data(wraps):
    """What the scoped-calls rule is told of each wrapper ("wrap" in its names)."""
    return {n: {k: w[k] for k in ("n", "arg", "fp", "save", "flags", "vis")} for n, w in sorted(wraps.items())}


def label(rec, wraps):
    """The evidence for a call a wrapper use covers: the macro, the line, its #define, its save."""
    w = wraps.get(rec.get("wrap"))
    if not w:
        return f"{rec.get('opener')} at line {rec.get('save_line')}"
    flags = rec["opener"].partition("(")[2][:-1]
    file, line = w["defs"][0]
    return (f"{rec['wrap']}() at line {rec['save_line']}, whose #define ({file}:{line}) runs the argument "
            f"between {w['save']}({flags}) and {w['restore']}()")


def shape(params, body):
    """The wrapper a #define (params as gfplex prints them, body tokens) is, or None:
    {"n", "arg", "fp", "save", "flags", "restore"}."""
    if params in ("-", "") or "..." in params.split(","):
        return None
    ps = params.split(",")
    t = body.split(" ")
    if t[:2] == ["(", "{"] and t[-2:] == ["}", ")"]:
        inner, value_ok = t[2:-2], True
    elif t[:2] == ["do", "{"] and t[-5:] == ["}", "while", "(", "0", ")"]:
        inner, value_ok = t[2:-5], False
    else:
        return None
    if not inner or inner[-1] != ";" or any(x in ("{", "}", '"', "#", "##", "?", ":") for x in inner):
        return None
    stmts, cur = [], []
    for x in inner:
        if x == ";":
            stmts.append(cur)
            cur = []
        else:
            cur.append(x)
    saved = _save(stmts[0], ps) if len(stmts) in (3, 4) else None
    if saved is None:
        return None
    cookie, save, flags, fp = saved
    used = _use(stmts[1], ps, cookie)
    if used is None:
        return None
    param, result = used
    restore = stmts[2]
    if len(restore) != 4 or not RESTORE.match(restore[0]) or restore[1:] != ["(", cookie, ")"]:
        return None
    if len(stmts) == 4 and not (value_ok and result and stmts[3] == [result]):
        return None
    # the wrapped parameter only in the use, the flags parameter only in the save, no other
    uses = 2 if stmts[1][0] in TYPEOF else 1
    for i, p in enumerate(ps):
        if t.count(p) != (uses if p == param else 1 if i == fp else 0):
            return None
    return {"n": len(ps), "arg": ps.index(param), "fp": fp, "save": save, "flags": flags,
            "restore": restore[0]}


def _save(s, ps):
    """(cookie, save, constant flags, flags parameter index or -1) of `T c = SAVE`, or None."""
    if "=" not in s:
        return None
    i = s.index("=")
    types, cookie, call = s[:i - 1], s[i - 1] if i else None, s[i + 1:]
    if not types or any(x not in TYPE_WORDS for x in types) or not cookie or not IDENT.match(cookie) or \
            cookie in TYPE_WORDS or cookie in ps:
        return None
    if len(call) < 3 or call[0] not in SAVES or call[1] != "(" or call[-1] != ")":
        return None
    args = call[2:-1]
    if call[0] != "memalloc_flags_save":
        return (cookie, call[0], "", -1) if not args else None
    if len(args) == 1 and args[0] in ps:
        return cookie, call[0], "", ps.index(args[0])
    if args and all(PF_TOKEN.match(x) for x in args):
        return cookie, call[0], " ".join(args), -1
    return None


def _use(s, ps, cookie):
    """(the wrapped parameter, the result's name or None) of the use statement, or None."""
    def bare(x):  # P or (P)
        if len(x) == 1 and x[0] in ps:
            return x[0]
        return x[1] if len(x) == 3 and x[0] == "(" and x[2] == ")" and x[1] in ps else None
    if bare(s):
        return bare(s), None
    if len(s) >= 7 and s[0] in TYPEOF and s[1] == "(" and s[3] == ")" and s[5] == "=":
        p, r, rhs = s[2], s[4], s[6:]
    elif len(s) >= 4 and s[0] == "__auto_type" and s[2] == "=":
        p, r, rhs = None, s[1], s[3:]
    else:
        return None
    q = bare(rhs)
    if q is None or (p is not None and p != q) or not IDENT.match(r) or r in ps or r == cookie:
        return None
    return q, r
