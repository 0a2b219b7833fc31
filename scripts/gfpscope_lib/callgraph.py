"""Step 3c, callers: does every path into a function come from inside a scope?

A must-analysis over the tree's call graph. The graph is lexical, from
`gfplex --graph` over the whole tree (spatch cannot parse 60,000 files in
minutes; a C lexer does it in seconds). The calls that a scope covers on
every path come from spatch (cocci/facts/scoped_calls.cocci), run only in
files that open a scope.

A function G runs in a nofs (noio) scope when:
  - G is a known function or macro with at least one call site;
  - G's address is never taken (no REF anywhere) and G is not exported;
  - G itself ends no scope (calls no restore/stop helper, writes no
    current->flags), so the scope it inherits is still open in its body;
  - every call site of G is covered by a nofs (noio) scope in its own
    function, or lies in a function that runs in such a scope itself;
  - and a chain of such callers reaches a covering scope (a cycle that no
    scope enters proves nothing).
Functions are identified by name, and all definitions of a name are merged:
a static helper in one file shares its fate with a namesake elsewhere. That
over-approximates the callers, which can only turn a convert into a keep.
"""
import re
import subprocess
import tempfile

from . import lexsites, rulepatterns
from .errors import GfpError

# what ends a scope inside a function: the local rule's list (read from the rule)
CLEARING = rulepatterns.scope_enders()


class Graph:
    def __init__(self):
        self.defined = set()      # function and macro names
        self.macros = set()
        self.calls = {}           # callee -> [(caller, file, line, col)]
        self.callees = {}         # caller -> set(callee)
        self.refs = {}            # name -> [(holder, file, line)]
        self.exported = set()
        self.nonstatic = set()    # names with at least one non-static definition
        self.from_asm = set()     # names that assembly or linker scripts mention
        self.files = 0

    def static_only(self):
        """Names all of whose definitions are static functions: their callers are in one file."""
        return {n for n in self.defined if n not in self.nonstatic and n not in self.macros}


def lex_graph(tree):
    """The lexical call graph of the whole tree."""
    exe = lexsites.gfplex_binary()
    r = subprocess.run([exe, "--graph", tree.path], capture_output=True)
    if r.returncode:
        raise GfpError("gfplex --graph failed: " + r.stderr.decode("utf-8", "replace").strip()[:200])
    g = parse_graph(r.stdout.decode("utf-8", "replace"))
    g.from_asm = asm_mentions(tree, g.nonstatic)
    return g


def asm_mentions(tree, names):
    """Which of these names assembly (.S) or linker scripts mention: callers the C lexer cannot see."""
    if not names:
        return set()
    with tempfile.NamedTemporaryFile("w", suffix=".names") as f:
        f.write("\n".join(sorted(names)) + "\n")
        f.flush()
        r = subprocess.run(["grep", "-rhowF", "-f", f.name, "--include=*.S", "--include=*.s",
                            "--include=*.lds", "--exclude-dir=.git", "."], cwd=tree.path,
                           capture_output=True, text=True, errors="replace")
    return set(r.stdout.split())


def parse_graph(text):
    g = Graph()
    for line in text.split("\n"):
        f = line.split("\t")
        kind = f[0]
        if kind == "FN":
            g.defined.add(f[2])
            if f[3] == "0":
                g.nonstatic.add(f[2])
        elif kind == "MACRO":
            g.defined.add(f[2])
            g.macros.add(f[2])
        elif kind == "CALL":
            _, file, caller, callee, ln, col = f[:6]
            g.calls.setdefault(callee, []).append((caller, file, int(ln), int(col)))
            g.callees.setdefault(caller, set()).add(callee)
        elif kind == "REF":
            g.refs.setdefault(f[3], []).append((f[2], f[1], int(f[4])))
        elif kind == "EXPORT":
            g.exported.add(f[2])
        elif kind == "F":
            g.files = int(f[1])
    return g


def analyse(graph, scoped_calls, want_noio, enders=CLEARING):
    """{function: witness} for the functions that run in scope.

    scoped_calls: {(file, line, col): kind} for call sites a local scope
    covers ("nofs" or "noio"). With want_noio only noio scopes count.
    A witness is ("scope", file, line, col) for a covered call site, or
    ("caller", name, file, line) for a call from a function in scope.
    """
    def covered(site):
        k = scoped_calls.get(site)
        return k is not None and (k == "noio" or not want_noio)

    def eligible(fn):
        return (fn in graph.defined and fn in graph.calls and fn not in graph.refs and
                fn not in graph.exported and fn not in graph.from_asm and
                not any(enders.match(c) for c in graph.callees.get(fn, ())) and
                not enders.match(fn))

    inscope = {fn for fn in graph.calls if eligible(fn)}
    changed = True
    while changed:  # greatest fixpoint: drop functions with a call from outside any scope
        changed = False
        for fn in list(inscope):
            for caller, file, line, col in graph.calls[fn]:
                if not covered((file, line, col)) and caller not in inscope:
                    inscope.discard(fn)
                    changed = True
                    break
    # grounding: keep what a covered call reaches; a cycle no scope enters proves nothing
    witness, frontier = {}, []
    for fn in inscope:
        for caller, file, line, col in graph.calls[fn]:
            if covered((file, line, col)):
                witness[fn] = ("scope", caller, file, line, col)
                frontier.append(fn)
                break
    while frontier:
        nxt = []
        for caller in frontier:
            for fn in graph.callees.get(caller, ()):
                if fn in inscope and fn not in witness:
                    for c, file, line, col in graph.calls[fn]:
                        if c == caller:
                            witness[fn] = ("caller", caller, file, line, col)
                            break
                    nxt.append(fn)
        frontier = nxt
    return witness


def chain(fn, witness, saves):
    """The evidence: fn <- caller <- ... <- scope opener (save and its line)."""
    out, seen = [fn], {fn}
    w = witness.get(fn)
    while w and w[0] == "caller" and w[1] not in seen:
        out.append(w[1])
        seen.add(w[1])
        w = witness.get(w[1])
    if w and w[0] == "scope":
        _, opener, file, line, col = w
        save = saves.get((file, line, col))
        out.append(f"{opener} ({save})" if save else opener)
    return out


def why_not(fn, graph, witness, scoped_calls, want_noio):
    """(reason, evidence) for a function that does not run in scope: the path that escapes."""
    if fn not in graph.defined:
        return "no-scope", f"{fn}: not a function the call graph knows"
    if fn in graph.refs:
        holder, file, line = graph.refs[fn][0]
        where = f"{holder} ({file})" if holder != "-" else f"file scope of {file}"
        return "address-taken", f"{fn}: its address is taken in {where}, so its callers cannot all be seen"
    if fn in graph.exported:
        return "exported", f"{fn}: exported, so modules may call it from outside any scope"
    if fn in graph.from_asm:
        return "asm-caller", f"{fn}: named in assembly or a linker script, a caller the analysis cannot see"
    calls = graph.calls.get(fn, [])
    if not calls:
        return "no-scope", f"{fn}: no caller in the tree and no scope in the function"
    if any(CLEARING.match(c) for c in graph.callees.get(fn, ())):
        return "no-scope", f"{fn}: ends a scope itself (calls a restore or stop helper)"

    def covered(c):
        k = scoped_calls.get((c[1], c[2], c[3]))
        return (k is not None and (k == "noio" or not want_noio)) or c[0] in witness
    outside = [c for c in calls if not covered(c)]
    if outside and len(outside) < len(calls):
        return "dual-context", f"{fn} <- {outside[0][0]} ({outside[0][1]}): called outside any scope, and inside one elsewhere"
    c = outside[0] if outside else calls[0]
    held = "no noio scope (a nofs scope does not cover GFP_NOIO)" if want_noio else "no scope"
    return "no-scope", f"{fn} <- {c[0]} ({c[1]}): this caller holds {held}"
