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
