"""Function bodies a rule cannot match in, blanked out before spatch reads the file.

The scope proofs are intraprocedural: the scoped-calls rule can only match in
a function that calls a start, and a provider round asks only about the
functions it is trying. Every other body in the file costs spatch its
control-flow matching (ext4's inode.c took minutes, and some files overflowed
spatch's stack) and gives nothing. So those bodies are replaced by spaces,
newlines kept: every line and column stays where it was, and the records
spatch prints point into the real file.

The bodies are the lexer's: `gfplex --bodies` (scripts/gfplex/bodies.c) gives
the byte range of each function body that the call graph's own walk finds
(comments, strings and character constants lexed; braces counted per #if
branch, #if 0 skipped; attributes after the header and names made by a macro
understood; initializers and K&R definitions are no body), for all the files
of a pass in one process. What is blanked is deliberately narrow, so that the
text spatch matches in is the file's own:
  - only such a body, and only in a file whose braces and #if groups the walk
    balances (otherwise the file is given whole);
  - only a body whose #if groups all open and close inside it: one that holds
    an #else or #endif of a group opened before it (a header written twice in
    #if branches) is kept, and so are bodies whose ranges overlap;
  - never a body that holds a #define or #undef (spatch reads in-file
    macros) or another directive (#include, #pragma, ...), nor one that
    the caller wants kept.
A body that should have been kept but was blanked would only lose facts
(its function stays unproven); nothing here can add a fact.
"""
import re
import subprocess

from ..core.errors import GfpError
from .lexsites import gfplex_binary

# the pp field of a B record: the bodies whose directives allow blanking
_BLANKABLE_PP = ("-", "if")


def bodies(datas):
    """For each file's bytes in datas (a list), the function bodies gfplex's walk finds:
    a list of (open, close, pp, name): the byte offsets of "{" and "}", what directives
    lie between them and the function's name (bodies.c), in file order; or None when the walk's braces or #if
    groups do not balance (the file is then not masked). One gfplex process for all."""
    if not datas:
        return []
    stream = b"".join(b"%d blob %d\n" % (i, len(d)) + d + b"\n" for i, d in enumerate(datas))
    p = subprocess.run([gfplex_binary(), "--bodies", "--batch"], input=stream, capture_output=True)
    if p.returncode:
        raise GfpError("gfplex --bodies failed: " + p.stderr.decode("utf-8", "replace").strip()[:200])
    found, whole, done = [[] for _ in datas], set(), None
    for raw in p.stdout.split(b"\n"):
        f = raw.split(b"\t")
        if f[0] == b"B":
            found[int(f[1])].append((int(f[2]), int(f[3]), f[7].decode("ascii", "replace"),
                                     f[6].decode("utf-8", "surrogateescape")))
        elif f[0] in (b"U", b"E"):
            whole.add(int(f[1]))
        elif f[0] == b"F":
            done = (int(f[1]), int(f[2]))
    if done != (len(datas), len(datas)):
        raise GfpError(f"gfplex --bodies read {done} of {len(datas)} files")
    return [None if i in whole else r for i, r in enumerate(found)]


def mask(data, keep, ranges, only=None):
    """data with every function body of ranges (bodies()) blanked for which keep(header, body)
    is false (and, when only is given, every body keep accepts whose index is not in only:
    a shard of the file, see shards()).

    header is the text from the end of the previous body (or the file's start)
    to the opening brace; body the text inside the braces. Returns data
    unchanged when nothing can be blanked, when ranges is None, or when a range
    does not fit data (a "{" and a "}" in order, inside the file).
    """
    plan = _plan(data, keep, ranges)
    if plan is None:
        return data
    out, last = [], 0
    for i, o, c, kept in plan:
        if kept and (only is None or i in only):
            continue
        out.append(data[last:o + 1])
        out.append(re.sub(rb"[^\n]", b" ", data[o + 1:c]))
        last = c
    if not out:
        return data
    out.append(data[last:])
    return b"".join(out)


def shards(data, keep, ranges):
    """[(index, name)] of the bodies keep accepts that could be blanked: a file spatch cannot
    finish in the time limit is tried again one such function at a time (spatch.run_rule),
    each copy with the others blanked, so that one function too big to prove loses only its
    own facts."""
    return [(i, ranges[i][3] if len(ranges[i]) > 3 else "?")
            for i, _o, _c, kept in _plan(data, keep, ranges) or () if kept]


def _plan(data, keep, ranges):
    """[(index, open, close, kept by keep)] of the bodies that may be blanked, or None when
    ranges do not fit data."""
    if not ranges:
        return None
    for i, r in enumerate(ranges):
        o, c = r[0], r[1]
        if not (0 <= o < c < len(data) and data[o] == 0x7B and data[c] == 0x7D) or \
                (i and o <= ranges[i - 1][0]):
            return None
    # a range that overlaps another (a header written twice in #if branches: two "{", one
    # "}") is kept
    overlapping, reach = set(), -1
    for i, r in enumerate(ranges):
        o, c = r[0], r[1]
        if o <= reach or (i + 1 < len(ranges) and ranges[i + 1][0] <= c):
            overlapping.add(i)
        reach = max(reach, c)
    plan, prev_end = [], 0
    for i, r in enumerate(ranges):
        o, c, pp = r[0], r[1], r[2]
        header, body = data[prev_end:o], data[o + 1:c]
        prev_end = max(prev_end, c + 1)
        if i in overlapping or pp not in _BLANKABLE_PP or b"#define" in body:
            continue
        plan.append((i, o, c, bool(keep(header, body))))
    return plan


def mask_all(datas, keep, ranges_out=None):
    """{key: data} with each file masked by mask(); the bodies of all come from one gfplex.
    ranges_out: a dict that gets each key's bodies (for shards())."""
    keys = list(datas)
    found = bodies([datas[k] for k in keys])
    if ranges_out is not None:
        ranges_out.update(zip(keys, found))
    return {k: mask(datas[k], keep, r) for k, r in zip(keys, found)}


def words_keeper(header_words=(), body_words=()):
    """keep(header, body): a body is kept when its header names one of header_words (the
    functions a provider round tries) or its body mentions one of body_words (the starts)."""
    hw = word_regex(header_words)
    bw = word_regex(body_words)

    def keep(header, body):
        return bool((hw and hw.search(header)) or (bw and bw.search(body)))
    return keep


def word_regex(words):
    """A regex matching any of words as a whole word in bytes, or None for no words."""
    words = sorted(set(words))
    if not words:
        return None
    return re.compile(rb"\b(?:" + b"|".join(re.escape(w.encode()) for w in words) + rb")\b")
