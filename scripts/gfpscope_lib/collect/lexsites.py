"""Step 1, the tree's sites: every GFP_NOFS/GFP_NOIO token in code, from gfplex.

gfplex (scripts/gfplex/gfplex.c) is an exact C lexer. Its list is the census's
ground truth; spatch only analyses what it lists.
"""
import os
import shutil
import subprocess
import tempfile

from ..core import paths
from ..core.errors import GfpError


def gfplex_sources():
    """gfplex's C sources and headers (the Makefile's GFPLEX_SRCS)."""
    d = os.path.dirname(paths.GFPLEX_SRC)
    return ([os.path.join(d, n) for n in ("gfplex.c", "lex.c", "sites.c", "bodies.c", "graph.c",
                                          "graph_names.c", "graph_visible.c", "graph_funcs.c",
                                          "graph_macros.c", "graph_templates.c")],
            [os.path.join(d, n) for n in ("gfplex.h", "graph.h")])


def gfplex_binary():
    """Build gfplex when it is missing or older than one of its sources."""
    exe = paths.GFPLEX
    srcs, hdrs = gfplex_sources()
    if os.path.exists(exe) and all(os.path.getmtime(exe) >= os.path.getmtime(f) for f in srcs + hdrs):
        return exe
    cc = shutil.which("cc") or shutil.which("gcc")
    if not cc:
        raise GfpError("no C compiler to build gfplex (apt-get install gcc, or run make)")
    os.makedirs(paths.BUILD, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".gfplex.", dir=paths.BUILD)
    os.close(fd)
    r = subprocess.run([cc, "-O2", "-Wall", "-o", tmp] + srcs, capture_output=True, text=True)
    if r.returncode:
        os.unlink(tmp)
        raise GfpError("building gfplex failed: " + r.stderr.strip().splitlines()[0])
    os.replace(tmp, exe)
    return exe


def graph_records(tree, files):
    """gfplex --graph's records (tab-split fields) of just these files of the tree: the
    files are read alone, so names defined elsewhere give no REF, but FN and CALL are whole."""
    if not files:
        return []
    # errors="surrogateescape", as lex_tree and callgraph.lex_graph read gfplex: the same path
    # strings, which keep a file name's bytes whatever they are (and give them back to gfplex)
    p = subprocess.run([gfplex_binary(), "--graph", tree.path, "-"], input="\n".join(sorted(files)) + "\n",
                       capture_output=True, text=True, errors="surrogateescape")
    if p.returncode:
        raise GfpError("gfplex --graph failed: " + p.stderr.strip()[:200])
    return [line.split("\t") for line in p.stdout.splitlines()]


def kind_of(token):
    return "nofs" if token == "GFP_NOFS" else "noio"


def lex_tree(tree, rel_paths=None):
    """Run gfplex over the tree (or the given relative paths).

    Returns (sites, errors, files_seen): sites are dicts in file/line/col order,
    errors a list of (path, message) for files that could not be read.
    """
    exe = gfplex_binary()
    args = [exe, tree.path] + (list(rel_paths) if rel_paths else [])
    r = subprocess.run(args, capture_output=True)
    if r.returncode:
        raise GfpError("gfplex failed: " + r.stderr.decode("utf-8", "replace").strip())
    sites, errors, seen = [], [], 0
    for raw in r.stdout.split(b"\n"):
        if not raw:
            continue
        # a file name that is not UTF-8 keeps its bytes (as surrogates): every later step
        # opens the file by this string, and the outputs write the bytes back
        f = raw.decode("utf-8", "surrogateescape").split("\t")
        if f[0] == "S":
            path, line, col, tok, ctx, call, flags, func, macro = f[1:10]
            sites.append({
                "file": path, "line": int(line), "col": int(col),
                "kind": kind_of(tok), "token": tok, "ctx": ctx,
                "lex_call": None if call == "-" else call,
                "flags": flags,
                "lex_function": None if func == "-" else func,
                "macro": None if macro == "-" else macro,
            })
        elif f[0] == "E":
            errors.append((f[1], f[2]))
        elif f[0] == "F":
            seen = int(f[1])
    sites.sort(key=lambda s: (s["file"], s["line"], s["col"]))
    return sites, errors, seen
