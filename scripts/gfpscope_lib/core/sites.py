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
import json
import os

from .errors import GfpError

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

# field -> the types a record may hold there (what scan writes; null where not analysed)
_SCHEMA = {
    "file": (str,), "line": (int,), "col": (int,), "kind": (str,), "flags": (str,),
    "function": (str, type(None)), "call": (str, type(None)), "parsed": (bool,),
    "verdict": (str, type(None)), "reason": (str, type(None)), "confidence": (str, type(None)),
    "evidence": (list, type(None)),
}
_VALUES = {"kind": {"nofs", "noio"}, "verdict": {None, "convert", "keep"},
           "confidence": {None, "high", "moderate"}}


def load_json(out, name, required=True):
    """OUT/name, a JSON file a scan wrote (None when it is absent and not required)."""
    path = os.path.join(out, name)
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        if not required:
            return None
        raise GfpError(f"{path} not found: run gfpscope scan --out {out} first")
    except ValueError:
        raise GfpError(f"{path} is not valid JSON: run gfpscope scan --out {out} again")
    except OSError as e:
        raise GfpError(f"cannot read {path}: {e.strerror}")


def load(out):
    """OUT/sites.json as scan wrote it, checked record by record: the one reader of the file
    (patch, series, report, whatif, history --scan). A file of another shape is one clear
    error, never a traceback or a wrong answer."""
    sites = load_json(out, "sites.json")
    path = os.path.join(out, "sites.json")
    why = _shape_error(sites)
    if why:
        raise GfpError(f"{path} is not what this gfpscope's scan writes ({why}): "
                       f"run gfpscope scan --out {out} again")
    return sites


def _shape_error(sites):
    if not isinstance(sites, list):
        return f"a JSON {type(sites).__name__}, not a list of sites"
    for i, s in enumerate(sites):
        if not isinstance(s, dict):
            return f"record {i} is not an object"
        for k, types in _SCHEMA.items():
            if k not in s:
                return f"record {i} has no '{k}'"
            v = s[k]
            if not isinstance(v, types) or (isinstance(v, bool) and bool not in types):
                return f"record {i}: '{k}' is {json_type(v)}"
            if k in _VALUES and v not in _VALUES[k]:
                return f"record {i}: '{k}' is {v!r}"
        if s["line"] < 1 or s["col"] < 0:
            return f"record {i}: no line {s['line']}, column {s['col']}"
    return None


def json_type(v):
    return {str: "a string", int: "a number", float: "a number", bool: "a boolean", list: "a list",
            dict: "an object", type(None): "null"}.get(type(v), type(v).__name__)
