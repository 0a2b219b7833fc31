"""Step 2, facts to site records: merge gfplex's exact list with spatch's analysis.

A site record (one per GFP_NOFS/GFP_NOIO token in code):
  file, line, col       where (col is 0-based, as spatch's positions)
  function              enclosing function, null at file scope
  call                  function or macro receiving the flags, null if assigned
  flags                 the flag expression as written
  kind                  nofs | noio
  subsystem             directory subsystem (fs/btrfs, drivers/md, mm, ...)
  maintainers           the MAINTAINERS section that owns the file
  parsed                true when spatch analysed the site
  unparsed_reason       why not (timeout, parse-error, macro-body, if0, spatch-error)
  context               code | macro | if0, and macro: the #define holding it
  verdict, reason, confidence, evidence
                        filled by the scope analysis; null until it runs
"""
from . import readback
from .readback import COUNT, INT, OPT_STR, PATH, STR, BOOL, Leaf, ListOf, MapOf, NoneType, Nullable, Record

UNPARSED_TEXT = {
    "parse-error": "spatch could not parse the code around the site",
    "macro-body": "inside a #define body, which spatch does not analyse as code",
    "if0": "inside #if 0 (dead code, not compiled)",
    "timeout": "spatch timed out on the file",
    "spatch-error": "spatch failed on the file",
    "unreadable": "the file could not be read",
}


def _innermost_call(calls, line, col):
    """The call whose name starts last before the site: the innermost one."""
    best = None
    for c in calls:
        if (c["line"], c["col"]) != (line, col):
            continue
        if best is None or (c["cline"], c["ccol"]) > (best["cline"], best["ccol"]):
            best = c
    return best["callee"] if best else None


def merge(lex_sites, results, dir_sub, maint):
    """One record per lexer site; spatch's facts fill in what it could analyse."""
    by_file = {}
    for s in lex_sites:
        by_file.setdefault(s["file"], []).append(s)
    out = []
    for rel, sites in by_file.items():
        res = results.get(rel, {"status": "error", "records": [], "detail": "not analysed"})
        recs = res["records"]
        seen = {(r["line"], r["col"]): r for r in recs if r["t"] == "site"}
        defs = {r["name"] for r in recs if r["t"] == "def"}
        calls = [r for r in recs if r["t"] == "call"]
        for s in sites:
            hit = seen.get((s["line"], s["col"]))
            rec = {
                "file": rel, "line": s["line"], "col": s["col"],
                "function": None, "call": None, "flags": s["flags"], "kind": s["kind"],
                "subsystem": dir_sub(rel), "maintainers": maint.get(rel),
                "parsed": hit is not None, "unparsed_reason": None,
                "context": s["ctx"], "macro": s["macro"],
                "verdict": None, "reason": None, "confidence": None, "evidence": None,
            }
            if hit is not None:
                rec["function"] = hit["elem"] if hit["elem"] in defs else None
                rec["call"] = _innermost_call(calls, s["line"], s["col"])
            else:
                # lexical facts stand in where spatch could not look
                rec["function"] = s["lex_function"]
                rec["call"] = s["lex_call"]
                if res["status"] == "timeout":
                    rec["unparsed_reason"] = "timeout"
                elif res["status"] == "error":
                    rec["unparsed_reason"] = "unreadable" if res["detail"].startswith("unreadable") else "spatch-error"
                elif s["ctx"] == "if0":
                    rec["unparsed_reason"] = "if0"
                elif s["ctx"] == "macro":
                    rec["unparsed_reason"] = "macro-body"
                else:
                    rec["unparsed_reason"] = "parse-error"
                if res.get("detail"):
                    rec["unparsed_detail"] = res["detail"]
            out.append(rec)
    out.sort(key=lambda r: (r["file"], r["line"], r["col"]))
    return out


# ---------------------------------------------------------------- reading sites.json back

# what scan writes, record by record (null where a site was not analysed or not proven)
_EDGE = Record({"caller": STR, "callee": STR, "file": PATH, "line": COUNT, "col": COUNT})
_PROOF = Record({
    "call": Nullable(Record({"callee": OPT_STR, "file": PATH, "line": INT, "col": INT})),
    "chain": ListOf(_EDGE),
    "scope": Nullable(Record({"opener": OPT_STR, "function": OPT_STR, "file": PATH, "line": Leaf(int, NoneType)})),
    "files": MapOf(OPT_STR, key=PATH)})


def _consistent(s):
    if s["line"] < 1 or s["col"] < 0:
        return f"no line {s['line']}, column {s['col']}"
    if s["verdict"] is not None and (s["reason"] is None or s["confidence"] is None):
        return f"a {s['verdict']} verdict with no reason or confidence"
    return None


SITE = Record({
    "file": PATH, "line": INT, "col": INT, "kind": Leaf(str, values={"nofs", "noio"}), "flags": STR,
    "function": OPT_STR, "call": OPT_STR, "parsed": BOOL,
    "verdict": Leaf(str, NoneType, values={None, "convert", "keep"}), "reason": OPT_STR,
    "confidence": Leaf(str, NoneType, values={None, "high", "moderate"}), "evidence": Nullable(ListOf(STR)),
    "subsystem": STR, "maintainers": OPT_STR},
    optional={"unparsed_reason": OPT_STR, "context": OPT_STR, "macro": OPT_STR, "proof": Nullable(_PROOF),
              "scope_line": Leaf(int, NoneType)},
    test=_consistent)
SITES = ListOf(SITE, name="record")


def key(s):
    """A site's identity: where its token is (one token, one site)."""
    return (s["file"], s["line"], s["col"])


def load(out):
    """OUT/sites.json as scan wrote it, checked record by record: the one reader of the file
    (patch, series, report, whatif, history --scan). A file of another shape is one clear
    error, never a traceback or a wrong answer."""
    return readback.load(out, "sites.json", SITES)
