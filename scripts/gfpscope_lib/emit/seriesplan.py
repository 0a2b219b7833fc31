"""What goes into which patch of a series: the sites chosen per MAINTAINERS entry, the
patches grouped by justification (or file, or function) and split when too large to
review, and the sites left out (a line checkpatch would find too long, a function that
cannot be converted whole)."""
import os
import re

from ..core import textpos
from ..core.sites import key as _key
from ..core.errors import GfpError
from . import msgwords
from .rewrite import LEVELS, chosen


SPLITS = ("justification", "file", "function")
# No patch larger than this: past it, a reviewer stops reading each hunk.
MAX_SITES = 16
MAX_FILES = 6
COLUMNS = 100  # checkpatch's line length limit


def slug(entry):
    return re.sub(r"[^a-z0-9]+", "-", entry.lower()).strip("-") or "unknown"


# ---------------------------------------------------------------- grouping

def _order(reason):
    o = msgwords.ORDER
    return o.index(reason) if reason in o else len(o)


def group(sites, split="justification"):
    """The patches of one series, in order: [{"sites": [...], "where": [...]|None, "part": str|None}]."""
    if split == "file":
        key = lambda s: (s["file"],)
    elif split == "function":
        key = lambda s: (s["file"], s["function"] or "")
    else:
        # XFS's split: one patch per kind of justification; a moderate proof asks the
        # reviewer for more, so it does not share a patch with a high one
        key = lambda s: (_order(s["reason"]), s["reason"], s["kind"], LEVELS.get(s["confidence"], 9))
    groups = {}
    for s in sorted(sites, key=lambda s: (key(s), _key(s))):
        groups.setdefault(key(s), []).append(s)
    patches = []
    for k, ss in groups.items():
        where = None
        if split == "file":
            where = [os.path.basename(k[0]), k[0]]
        elif split == "function":
            where = ([k[1] + "()"] if k[1] else []) + [os.path.basename(k[0])]
        patches += _split_large({"sites": ss, "where": where, "part": None})
    _distinct_subjects(patches)
    return patches


def _split_large(p):
    """Split a patch too large to review: by file, then by function, then in parts."""
    ss = p["sites"]
    files = sorted({s["file"] for s in ss})
    if len(ss) <= MAX_SITES and len(files) <= MAX_FILES:
        return [p]
    if len(files) > 1:
        out = []
        for f in files:
            out += _split_large({"sites": [s for s in ss if s["file"] == f],
                                 "where": [os.path.basename(f), f], "part": None})
        return out
    funcs = []
    for s in ss:
        if s["function"] not in funcs:
            funcs.append(s["function"])
    if len(funcs) > 1:
        out = []
        for fn in funcs:
            out += _split_large({"sites": [s for s in ss if s["function"] == fn],
                                 "where": ([fn + "()"] if fn else []) + [os.path.basename(files[0])],
                                 "part": None})
        return out
    chunks = [ss[i:i + MAX_SITES] for i in range(0, len(ss), MAX_SITES)]
    where = ([funcs[0] + "()"] if funcs[0] else []) + [os.path.basename(files[0])]
    return [dict(p, sites=c, where=where, part=f"{i}/{len(chunks)}") for i, c in enumerate(chunks, 1)]


def _distinct_subjects(patches):
    """Two patches of one justification (high and moderate) must not share a subject."""
    seen = {}
    for p in patches:
        seen.setdefault((p["where"] and tuple(p["where"]), p["part"],
                         tuple(sorted({s["reason"] for s in p["sites"]}))), []).append(p)
    for same in seen.values():
        if len(same) < 2:
            continue
        for p in same:
            files = sorted({os.path.basename(s["file"]) for s in p["sites"]})
            if not p["where"] and len(files) <= 2:
                p["where"] = [" and ".join(files)]
        for i, p in enumerate(same, 1):
            if not p["where"] or len(files) > 2:
                p["part"] = p["part"] or f"{i}/{len(same)}"


def _width(line):
    return len(line.rstrip("\n").expandtabs(8))


def too_long(texts_before, sites):
    """Sites whose converted line would pass checkpatch's 100 columns: (site, why).

    Each conversion adds two columns; all of a line's sites count together.
    """
    per_line = {}
    for s in sites:
        per_line.setdefault((s["file"], s["line"]), []).append(s)
    out = []
    for (rel, line), ss in sorted(per_line.items()):
        text = textpos.line_at(texts_before[rel], line)
        if text is None:
            continue  # rewrite_bytes reports the stale tree
        old_w = _width(text.decode("utf-8", "replace"))
        new_w = old_w + 2 * len(ss)
        if new_w > COLUMNS >= old_w:
            out += [(s, f"the converted line would be {new_w} columns, over checkpatch's "
                        f"{COLUMNS}: convert it by hand and rewrap the call") for s in ss]
    return out


def _fn_key(s):
    return (s["file"], s["function"] or "")


def keep_functions_whole(sites, left_out):
    """A function is converted whole or not at all: when one of its sites is left out, so are
    the others of this series (a half-converted function reads as a mistake)."""
    out_ids = {_key(s) for s, _w in left_out}
    out_fns = {}
    for s, _w in left_out:
        out_fns.setdefault(_fn_key(s), s)
    more = []
    for s in sites:
        first = out_fns.get(_fn_key(s))
        if first is not None and _key(s) not in out_ids:
            what = f"{s['function']}()" if s["function"] else os.path.basename(s["file"])
            other = f"its {first['call']}() call" if first.get("call") and first["call"] != s.get("call") \
                else "another of its allocations"
            more.append((s, f"{other} is left out, and {what} is converted whole or not at all"))
    return left_out + more


def select(sites, confidence, names):
    """{MAINTAINERS entry: convert sites}, limited to the --subsystem NAMEs."""
    by = {}
    for s in chosen(sites, confidence):
        by.setdefault(s.get("maintainers") or "(no MAINTAINERS entry)", []).append(s)
    if not names:
        return by
    picked = {}
    for n in names:
        want = n.lower().rstrip("/")
        hit = [e for e, ss in by.items()
               if want in (e.lower(), slug(e)) or any(s["subsystem"] == want or
                                                      s["subsystem"].split("/")[-1] == want for s in ss)]
        if not hit:
            raise GfpError(f"--subsystem {n}: no convert verdict there at confidence {confidence} "
                           f"(entries with some: {', '.join(sorted(by)) or 'none'})")
        for e in hit:
            picked[e] = by[e]
    return picked
