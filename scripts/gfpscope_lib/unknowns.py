"""Scope ends the proof cannot see by name: macros that end a scope, and calls it cannot resolve.

A region (from a start to a covered call) is refuted by any call that may end a
scope. By name the proof knows the memalloc restores and the providers' stops
and their callers (providers.may_end). Two kinds of call hide an end:

  - a #define whose body restores a cookie or clears PF_MEMALLOC_NOFS/NOIO
    (`#define fs_end_nofs(c) memalloc_nofs_restore(c)`, also as a statement
    expression or a do { } while (0)). spatch matches such a body as code and the
    balance rule reports it as a stop in "something_else()"; macro_at() names the
    #define it sits in, so the macro becomes a stop like any function (and the
    macros and functions that call it join may_end through the call graph);
  - a call to a name defined nowhere the lexer looks: not a function, not a
    #define in the tree's headers or the caller's directories (a name pasted
    together by ##, an assembly routine, a macro from a header the tree lacks).
    What it does is unknown, so it counts as a possible end where it is called
    between a start and the call being proven (unresolved()).
"""
import os
import re
import subprocess

from . import lexsites, rulepatterns
from .errors import GfpError

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
    if not files:
        return set()
    p = subprocess.run([lexsites.gfplex_binary(), "--graph", tree.path, "-"],
                       input="\n".join(sorted(files)) + "\n", capture_output=True, text=True,
                       errors="surrogateescape")
    if p.returncode:
        raise GfpError("gfplex --graph failed: " + p.stderr.strip()[:200])
    return {f.split("\t")[3] for f in p.stdout.splitlines() if f.startswith("CALL\t")}


def _defined_macros(tree, names, files):
    """Which of names some #define defines, in include/, arch/*/include/ and the files' directories."""
    if not names:
        return set()
    dirs = {"include"} | {os.path.join("arch", a, "include") for a in _arches(tree)}
    for rel in files:
        parts = rel.split("/")
        dirs.add("/".join(parts[:2]) if len(parts) > 2 else os.path.dirname(rel) or ".")
    dirs = sorted(d for d in dirs if os.path.isdir(tree.abspath(d)))
    found = set()
    names = sorted(names)
    for i in range(0, len(names), 2000):  # a bounded alternation per grep
        alt = "|".join(names[i:i + 2000])
        r = subprocess.run(["grep", "-rhoE", "--include=*.[ch]", "--include=*.S",
                            r"^[[:space:]]*#[[:space:]]*define[[:space:]]+(%s)\b" % alt, "--"] + dirs,
                           cwd=tree.path, capture_output=True)
        for line in r.stdout.split(b"\n"):
            m = DEFINE.match(line)
            if m:
                found.add(m.group(1).decode())
    return found


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


def unresolved(tree, graph, files):
    """Names called in files that are defined nowhere the lexer looks: possible scope ends."""
    called = _callees(tree, files)
    alloc = rulepatterns.allocators()
    candidates = {n for n in called if n not in graph.defined and not RULE_WORDS.match(n)
                  and not alloc.match(n)}
    return candidates - _defined_macros(tree, candidates, files)
