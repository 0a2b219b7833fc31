"""Step 5, the rewrite: one unified diff of every convert verdict, targeted by position.

Each site is rewritten exactly where sites.json says it is: the token at
(line, col) must still read GFP_NOFS/GFP_NOIO, and only that token changes
(so `GFP_NOFS | __GFP_NOFAIL` becomes `GFP_KERNEL | __GFP_NOFAIL`). No
pattern is applied to the tree, so nothing the analysis did not prove is
touched. The kernel tree itself is only read.
"""
import difflib
import os
import subprocess
import tempfile

from ..analyse import proof
from ..core import sites as sites_file, textpos
from ..core.atomic import write_bytes
from ..core.errors import GfpError

LEVELS = {"high": 0, "moderate": 1}


def load_sites(out):
    return sites_file.load(out)


def chosen(sites, confidence):
    limit = LEVELS[confidence]
    return [s for s in sites if s.get("verdict") == "convert" and LEVELS.get(s.get("confidence"), 9) <= limit]


def read_bytes(tree, rel):
    try:
        with open(tree.abspath(rel), "rb") as f:
            return f.read()
    except OSError as e:
        raise GfpError(f"{rel}: cannot read: {e.strerror}")


def rewrite_bytes(rel, old, sites):
    """old (bytes) with each site's GFP_NOFS/GFP_NOIO token, at its exact byte position
    (textpos: lines end at \\n only), made GFP_KERNEL. No decoding: a Latin-1 byte
    elsewhere in the file changes nothing.

    Refuses (the tree changed since the scan) when a position does not hold the token.
    """
    edits = []
    for s in sites:
        tok = b"GFP_NOFS" if s["kind"] == "nofs" else b"GFP_NOIO"
        off = textpos.offset(old, s["line"], s["col"])
        if off is None or old[off:off + len(tok)] != tok:
            raise GfpError(f"{rel}:{s['line']}: the tree changed since the scan "
                           f"(no {tok.decode()} at column {s['col']}): run `gfpscope scan` again")
        edits.append((off, len(tok)))
    new = old
    for off, n in sorted(edits, reverse=True):  # right to left: earlier offsets stay valid
        new = new[:off] + b"GFP_KERNEL" + new[off + n:]
    return new


def unified_diff(rel, old, new):
    """A git-applicable unified diff of one file, as bytes, lines split as gfplex splits them."""
    a, b = textpos.split_lines(old), textpos.split_lines(new)
    out = []
    for line in difflib.diff_bytes(difflib.unified_diff, a, b, b"a/" + os.fsencode(rel),
                                   b"b/" + os.fsencode(rel), n=3):
        if line.endswith(b"\n"):
            out.append(line)
        else:
            out.append(line + b"\n\\ No newline at end of file\n")
    return b"".join(out)


def make_diff(tree, sites):
    by_file = {}
    for s in sites:
        by_file.setdefault(s["file"], []).append(s)
    parts = []
    for rel in sorted(by_file):
        old = read_bytes(tree, rel)
        parts.append(unified_diff(rel, old, rewrite_bytes(rel, old, by_file[rel])))
    return b"".join(parts)


def check_applies(tree, diff):
    """`git apply --check` in the tree: reads the tree, writes nothing."""
    if not diff:
        return
    with tempfile.NamedTemporaryFile("wb", suffix=".patch", delete=False) as f:
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
    proof.check(tree, sites)  # the files still are what the scan proved, the chain still holds
    diff = make_diff(tree, sites)
    check_applies(tree, diff)
    path = os.path.join(out, "gfpscope.patch")
    write_bytes(path, diff)
    return path, sites
