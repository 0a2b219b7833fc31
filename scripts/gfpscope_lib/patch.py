"""Step 5, the rewrite: one unified diff of every convert verdict, targeted by position.

Each site is rewritten exactly where sites.json says it is: the token at
(line, col) must still read GFP_NOFS/GFP_NOIO, and only that token changes
(so `GFP_NOFS | __GFP_NOFAIL` becomes `GFP_KERNEL | __GFP_NOFAIL`). No
pattern is applied to the tree, so nothing the analysis did not prove is
touched. The kernel tree itself is only read.
"""
import difflib
import json
import os
import subprocess
import tempfile

from .atomic import write_text
from .errors import GfpError

LEVELS = {"high": 0, "moderate": 1, "low": 2}


def load_sites(out):
    path = os.path.join(out, "sites.json")
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        raise GfpError(f"{path} not found: run `gfpscope scan --out {out}` first")
    except ValueError:
        raise GfpError(f"{path} is not valid JSON: run `gfpscope scan` again")


def chosen(sites, confidence):
    limit = LEVELS[confidence]
    return [s for s in sites if s.get("verdict") == "convert" and LEVELS.get(s.get("confidence"), 9) <= limit]


def rewrite_file(tree, rel, sites):
    """(old text, new text) of one file with each site's token replaced."""
    path = tree.abspath(rel)
    try:
        with open(path, encoding="utf-8", newline="") as f:
            old = f.read()
    except (OSError, UnicodeDecodeError) as e:
        raise GfpError(f"{rel}: cannot read: {e}")
    return old, rewrite_text(rel, old, sites)


def rewrite_text(rel, old, sites):
    """old with each site's GFP_NOFS/GFP_NOIO token, at its exact position, made GFP_KERNEL.

    Refuses (the tree changed since the scan) when a position does not hold the token.
    """
    lines = old.splitlines(keepends=True)
    # right to left within a line, so earlier columns stay valid
    for s in sorted(sites, key=lambda s: (s["line"], -s["col"])):
        tok = "GFP_NOFS" if s["kind"] == "nofs" else "GFP_NOIO"
        i, c = s["line"] - 1, s["col"]
        if i >= len(lines) or lines[i][c:c + len(tok)] != tok:
            raise GfpError(f"{rel}:{s['line']}: the tree changed since the scan "
                           f"(no {tok} at column {c}): run `gfpscope scan` again")
        lines[i] = lines[i][:c] + "GFP_KERNEL" + lines[i][c + len(tok):]
    return "".join(lines)


def make_diff(tree, sites):
    by_file = {}
    for s in sites:
        by_file.setdefault(s["file"], []).append(s)
    parts = []
    for rel in sorted(by_file):
        old, new = rewrite_file(tree, rel, by_file[rel])
        parts.append("".join(difflib.unified_diff(
            old.splitlines(keepends=True), new.splitlines(keepends=True),
            f"a/{rel}", f"b/{rel}", n=3)))
    return "".join(parts)


def check_applies(tree, diff):
    """`git apply --check` in the tree: reads the tree, writes nothing."""
    if not diff:
        return
    with tempfile.NamedTemporaryFile("w", suffix=".patch", delete=False) as f:
        f.write(diff)
        name = f.name
    try:
        # never let git find a repository above the tree: from a subdirectory of
        # one, `git apply` would silently skip paths outside that subdirectory
        env = dict(os.environ, GIT_CEILING_DIRECTORIES=os.path.dirname(tree.path))
        r = subprocess.run(["git", "apply", "--check", name], cwd=tree.path, capture_output=True,
                           text=True, env=env)
    except FileNotFoundError:
        raise GfpError("git is not installed: it is needed to check the patch (apt-get install git)")
    finally:
        os.unlink(name)
    if r.returncode:
        raise GfpError("the patch does not apply to the tree: " + (r.stderr.strip().splitlines() or ["?"])[0])


def run(tree, out, confidence="high"):
    sites = chosen(load_sites(out), confidence)
    diff = make_diff(tree, sites)
    check_applies(tree, diff)
    path = os.path.join(out, "gfpscope.patch")
    write_text(path, diff)
    return path, sites
