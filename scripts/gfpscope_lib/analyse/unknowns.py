"""Scope ends the proof cannot see by name: macros that end a scope, and calls it cannot resolve.

A region (from a start to a covered call) is refuted by any call that may end a
scope. By name the proof knows the memalloc restores and the providers' stops
and their callers (providers.may_end). Two kinds of call hide an end:

  - a #define whose body restores a cookie or clears PF_MEMALLOC_NOFS/NOIO
    (`#define fs_end_nofs(c) memalloc_nofs_restore(c)`, also as a statement
    expression or a do { } while (0)). spatch matches such a body as code and the
    provider rule reports it as a stop in "something_else()"; macro_at() names the
    #define it sits in, so the macro becomes a stop like any function (and the
    macros and functions that call it join may_end through the call graph);
  - a call to a name defined nowhere the lexer looks: not a function, not a
    #define in the tree's headers or the caller's directories, and not a
    function a macro pastes together with ## (an assembly routine, a macro from
    a header the tree lacks). What it does is unknown, so it counts as a
    possible end where it is called between a start and the call being proven
    (unresolved()).

A function made by a macro (`static inline ... trace_##name(...) { ... }` in
__DECLARE_TRACE, `btrfs_##name` in BTRFS_SETGET_FUNCS, `xfs_has_ ## name`) has
that macro's body: it is resolved to every macro whose ## template matches its
name, and it ends a scope exactly when one of those bodies may (harmful()).
"""
import os
import re
import subprocess

from ..collect import lexsites, words
from ..core import textpos
from . import rulepatterns

DEFINE = re.compile(rb"^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)")


def macro_at(tree, rel, line):
    """The name of the #define whose body holds line of rel, or None."""
    try:
        with open(tree.abspath(rel), "rb") as f:
            lines = f.read().split(b"\n")
    except OSError:
        return None
    i = line - 1
    if not 0 <= i < len(lines):
        return None
    while i > 0 and lines[i - 1].rstrip().endswith(b"\\"):
        i -= 1
    m = DEFINE.match(lines[i])
    return m.group(1).decode() if m else None


def _callees(tree, files):
    """Every name called in these files, as gfplex --graph sees them (only these files are read)."""
    return {f[3] for f in lexsites.graph_records(tree, files) if f[0] == "CALL"}


# per (tree, directory): the names #defined there, and the ## templates of its macros.
# A scan asks each provider round and the region pass about overlapping directories
# (include/ every time): each is read once per run (include/ and arch/*/include/ together,
# about 0.7 s and 355,000 names on 6.12).
_DEFINES = {}    # (tree, dirs) -> every name #defined there (include/ and arch/*/include/)
_ASKED = {}      # (tree, dirs) -> {name: whether it is #defined there}, names asked one by one
_TEMPLATES = {}  # (tree, dir) -> [(regex, macro)]
_DEFINE_NAME = rb"^[[:space:]]*#[[:space:]]*define[[:space:]]+[A-Za-z_][A-Za-z0-9_]*"


def _defines_in(tree, dirs):
    key = (tree.path, tuple(dirs))
    if key not in _DEFINES:
        def grep():
            r = subprocess.run([b"grep", b"-rahoE", b"--include=*.[ch]", b"--include=*.S", _DEFINE_NAME, b"--"]
                               + [os.fsencode(d) for d in dirs], cwd=tree.path, capture_output=True)
            return {m.group(1).decode("latin-1") for m in map(DEFINE.match, r.stdout.split(b"\n")) if m}
        _DEFINES[key] = set(words.memo(tree, ["defines", list(dirs)], grep))
    return _DEFINES[key]


def _defined_macros(tree, names, files):
    """Which of names some #define defines, in include/, arch/*/include/ and the files' directories."""
    dirs = _search_dirs(tree, files)
    std = [d for d in dirs if d == "include" or (d.startswith("arch/") and d.endswith("/include"))]
    found = names & _defines_in(tree, std)
    rest = tuple(d for d in dirs if d not in std)
    known = _ASKED.setdefault((tree.path, rest), {})
    ask = sorted(n for n in names - found if n not in known)
    for i in range(0, len(ask), 2000):  # a bounded alternation per grep; drivers/gpu alone
        alt = "|".join(ask[i:i + 2000])  # has a million #defines: never list them all

        def grep():
            r = subprocess.run(["grep", "-rahoE", "--include=*.[ch]", "--include=*.S",
                                r"^[[:space:]]*#[[:space:]]*define[[:space:]]+(%s)\b" % alt, "--"] + list(rest),
                               cwd=tree.path, capture_output=True)
            return {m.group(1).decode("latin-1") for m in map(DEFINE.match, r.stdout.split(b"\n")) if m}
        hits = set(words.memo(tree, ["defined", list(rest), alt], grep))
        for n in ask[i:i + 2000]:
            known[n] = n in hits
    return found | {n for n in names if known.get(n)}


def _arches(tree):
    try:
        return sorted(os.listdir(tree.abspath("arch")))
    except OSError:
        return []


# names the rules themselves give a meaning to, wherever they are defined: the allocators
# (rulepatterns.allocators(), which consume the flags), the scope API, the ERR_PTR helpers
# of the failure tests. A test tree without include/linux still knows them.
RULE_WORDS = re.compile(r"^(memalloc_\w+|current_restore_flags\w*|IS_ERR|IS_ERR_OR_NULL|PTR_ERR|ERR_PTR|"
                        r"ERR_CAST)$")


TEMPLATE = re.compile(r"((?:[A-Za-z_]\w*[ \t]*##[ \t]*)+[A-Za-z_]\w*)[ \t]*\(")


def _templates(tree, files, defining=False):
    """[(regex, macro)] for each function-like #define whose body pastes a name with ## and
    calls or defines it (name(...)): the names such a macro can make. With defining,
    [(regex, macro, defines)]: whether the pasted name is followed by a parameter list
    and a body there (static inline bool xfs_has_ ## name(struct xfs_mount *mp) { ... })."""
    out = []
    for d in _search_dirs(tree, files):
        key = (tree.path, d)
        if key not in _TEMPLATES:
            _TEMPLATES[key] = _templates_in(tree, d)
        out += _TEMPLATES[key]
    return out if defining else [(rx, m) for rx, m, _d in out]


def pasted_functions(tree, files, names):
    """The names among these that ## macros make only as function definitions (trace_##name
    and xfs_has_##name are static inline functions): a call of one evaluates its arguments."""
    making = _makers(_templates(tree, files, defining=True))
    out = set()
    for n in names:
        makers = [d for _rx, _m, d in making(n)]
        if makers and all(makers):
            out.add(n)
    return out


def _makers(templates):
    """making(name): the templates that make the name. One regex for them all screens it
    first, so that the many names no template makes are tried once, not once per template
    (8 M matches a warm scan)."""
    if not templates:
        return lambda n: []
    some = re.compile("|".join("(?:%s)" % t[0].pattern for t in templates)).match
    return lambda n: [t for t in templates if t[0].match(n)] if some(n) else []


def _templates_in(tree, d):
    r = subprocess.run(["grep", "-ralE", "--include=*.[ch]", "##", "--", d], cwd=tree.path,
                       capture_output=True, text=True, errors="surrogateescape")
    out = []
    for rel in r.stdout.split("\n"):
        if not rel:
            continue
        try:
            with open(tree.abspath(rel), "rb") as f:
                text = f.read().decode("latin-1")
        except OSError:
            continue
        for m in re.finditer(r"(?m)^[ \t]*#[ \t]*define[ \t]+(\w+)\(([^)]*)\)((?:.*\\\n)*.*)", text):
            name, params, body = m.group(1), m.group(2), m.group(3)
            if "##" not in body:
                continue
            params = {p.strip() for p in params.split(",")}
            for t in TEMPLATE.finditer(body):
                parts = [x.strip() for x in t.group(1).split("##")]
                # a pasted name with a fixed part (trace_ ## name): a bare a ## b would match
                # every name, and resolve what it does not make
                if not any(x in params for x in parts) or \
                        sum(len(x) for x in parts if x not in params) < 3:
                    continue
                rx = "".join(r"\w+" if x in params else re.escape(x) for x in parts)
                out.append((re.compile(rx + "$"), name, _defines_at(body, t.end())))
    return out


def _defines_at(body, i):
    """Is the parameter list that opens before body[i] followed by a function body?"""
    j = textpos.closing(body, i - 1)
    return j is not None and re.sub(r"\\\n|\s", "", body[j + 1:j + 81]).startswith("{")


def _search_dirs(tree, files):
    dirs = {"include"} | {os.path.join("arch", a, "include") for a in _arches(tree)}
    for rel in files:
        parts = rel.split("/")
        dirs.add("/".join(parts[:2]) if len(parts) > 2 else os.path.dirname(rel) or ".")
    return sorted(d for d in dirs if os.path.isdir(tree.abspath(d)))


def unresolved(tree, graph, files, harmful):
    """Names called in files whose body the analysis cannot see or may end a scope:
    defined nowhere the lexer looks, or made by a ## macro whose body is harmful(macro)."""
    called = _callees(tree, files)
    alloc = rulepatterns.allocators()
    candidates = {n for n in called if n not in graph.defined and not RULE_WORDS.match(n)
                  and not alloc.match(n)}
    candidates -= _defined_macros(tree, candidates, files)
    if not candidates:
        return set()
    making = _makers(_templates(tree, files))
    out = set()
    for n in candidates:
        makers = {m for _rx, m in making(n)}
        if not makers or any(harmful(m) for m in makers):
            out.add(n)
    return out


def harmful(graph, enders):
    """harmful(macro) for unresolved(): the macro is a scope end itself, or its body calls one."""
    def check(m):
        if m in enders:
            return True
        return any(c in enders or graph.enders.match(c) for c in graph.macro_callees.get(m, ()))
    return check
