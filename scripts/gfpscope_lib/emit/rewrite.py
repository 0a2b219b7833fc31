"""The rewrite itself: which convert verdicts are taken at a confidence, each site's
token made GFP_KERNEL at its recorded byte position, and the unified diff of a file.
Used by `gfpscope patch` (one diff) and `gfpscope series` (one commit per patch)."""
import difflib
import os

from ..core import textpos
from ..core.errors import GfpError


LEVELS = {"high": 0, "moderate": 1}


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
