"""Step 4, verdicts: convert or keep, with a reason, a confidence and the evidence.

Confidence:
  high      proven on every path by a forall analysis (patch mode rewrites these)
  moderate  proven under an assumption the evidence states (not rewritten by default)
  low       a guess; never rewritten
Reasons (keep unless noted):
  local-scope   convert: a memalloc scope opened in the same function covers the site
  unparsed      spatch could not analyse the site
  vmalloc-ignores-nofs  a vmalloc-family call before v5.17: NOFS was ignored, a real bug
  no-scope      no scope in the site's function covers it on every path (callers not
                yet analysed: the interprocedural analysis adds caller-scope/transaction)
"""
import re

import os

from . import paths, spatch

LOCAL_RULE = "gfp_scope_redundant"
COVERED = re.compile(r"(?P<tok>GFP_NOFS|GFP_NOIO) is redundant: covered by "
                     r"(?P<save>memalloc_\w+_save)\(\) at line (?P<line>\d+)")


def local_scopes(tree, site_files, words, jobs, quiet, timeout):
    """{(file, line, col): (save function, save line)} for sites a local scope covers."""
    rule = os.path.join(paths.COCCI, LOCAL_RULE + ".cocci")
    if not os.path.exists(rule):
        return {}, []
    scoped = words.get("memalloc_nofs_save", set()) | words.get("memalloc_noio_save", set())
    files = sorted(f for f in site_files if f in scoped)
    res, _ = spatch.run_rule(tree, rule, files, jobs, timeout=timeout, defines={"report": None},
                             quiet=quiet, what="local scopes", parse=spatch.parse_report)
    covered, failed = {}, []
    for rel, r in res.items():
        if r["status"] != "ok":
            failed.append({"rule": LOCAL_RULE, "file": rel, "status": r["status"], "detail": r["detail"]})
        for rec in r["records"]:
            m = COVERED.search(rec["msg"])
            if m:
                covered[(rel, rec["line"], rec["col"])] = (m["save"], int(m["line"]))
    return covered, failed


def assign(sites, covered, scope_findings):
    vmalloc_bugs = {(f["file"], f["line"]) for f in scope_findings
                    if f["rule"] == "gfp_vmalloc_nofs" and f["kind"] == "bug"}
    for s in sites:
        key = (s["file"], s["line"], s["col"])
        fn = s["function"] or "(file scope)"
        if not s["parsed"]:
            s.update(verdict="keep", reason="unparsed", confidence="high",
                     evidence=[f"{fn}: not analysed ({s['unparsed_reason']})"])
        elif key in covered:
            save, line = covered[key]
            s.update(verdict="convert", reason="local-scope", confidence="high",
                     evidence=[f"{fn} ({save}() at line {line})"], scope_line=line)
        elif (s["file"], s["line"]) in vmalloc_bugs:
            s.update(verdict="keep", reason="vmalloc-ignores-nofs", confidence="high",
                     evidence=[f"{fn}: {s['call']} ignores {s['kind'].upper()} before v5.17; "
                               "use a memalloc scope"])
        else:
            s.update(verdict="keep", reason="no-scope", confidence="high",
                     evidence=[f"{fn}: no memalloc scope in this function covers the site on every path"])
    return sites
