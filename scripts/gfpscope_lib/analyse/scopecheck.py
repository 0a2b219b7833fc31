"""Step 3b, the scopes themselves: run the scope rules in report mode, collect findings.

Each rule in cocci/ is also a coccicheck rule; here the driver runs it with
-D report on the files that can match and files what it says into
scopes.json: bugs (unbalanced, wrong cookie, unsafe flags, ...), scope
providers (cookies that outlive their function) and notes.
"""
import os

from ..core import paths
from ..core.errors import GfpError
from ..collect import spatch

SAVES = ["memalloc_nofs_save", "memalloc_noio_save", "memalloc_flags_save"]
RESTORES = ["memalloc_nofs_restore", "memalloc_noio_restore", "memalloc_flags_restore"]
# name, the words a file must contain for the rule to matter (any one of them: each rule's
# gate rule greps for the same tokens)
SCOPE_RULES = [
    ("gfp_scope_provider", SAVES + RESTORES + ["PF_MEMALLOC_NOFS", "PF_MEMALLOC_NOIO"]),
    ("gfp_scope_unbalanced", SAVES),
    ("gfp_scope_cookie", SAVES + RESTORES),
    ("gfp_scope_kind", ["memalloc_nofs_save", "memalloc_noio_save"]),
    ("gfp_scope_order", SAVES),
    ("gfp_scope_unsafe_flags", ["memalloc_flags_save"]),
    ("gfp_scope_single_alloc", ["memalloc_nofs_save", "memalloc_noio_save"]),
    ("gfp_vmalloc_nofs", ["GFP_NOFS", "GFP_NOIO"]),
    ("gfp_noio_in_fs", ["GFP_NOIO"]),
    ("gfp_nolockdep", ["__GFP_NOLOCKDEP"]),
]
WORDS = sorted({w for _, ws in SCOPE_RULES for w in ws})
# rules the driver runs in their facts mode: each finding comes as data (its message and a
# fact), so that what the analysis reads never depends on wording written for people. The
# provider rule's facts seed providers.py; the bug rules' lines are only filed as bugs, so
# they run in report mode
FACT_RULES = {"gfp_scope_provider"}


def rule_path(name):
    return os.path.join(paths.COCCI, name + ".cocci")


def classify(rule, msg, fact=None):
    if fact and "provider" in fact:
        return "provider"
    if rule == "gfp_nolockdep":
        return "converted"
    if rule in ("gfp_noio_in_fs", "gfp_scope_single_alloc"):
        return "review"  # a pattern to look at, not a proven bug
    return "bug"


def run(tree, words, jobs, quiet, timeout):
    """Findings of every scope rule in cocci/ (a missing rule is an installation error)."""
    findings, failed = [], []
    version = "%d.%d" % tree.version[:2]
    for name, need in SCOPE_RULES:
        rule = rule_path(name)
        if not os.path.exists(rule):
            raise GfpError(f"{rule} is missing: gfpscope's rules are incomplete (a fresh clone has it)")
        files = sorted(set().union(*[words.get(w, set()) for w in need]))
        if name == "gfp_noio_in_fs":
            files = [f for f in files if f.startswith("fs/")]
        facts = name in FACT_RULES
        defines = {"facts": None} if facts else {"report": None}
        if name == "gfp_vmalloc_nofs":
            defines["kernel_version"] = version
        res, _ = spatch.run_rule(tree, rule, files, jobs, timeout=timeout, defines=defines,
                                 quiet=quiet, what=name,
                                 parse=spatch.parse_facts if facts else spatch.parse_report)
        for rel, r in sorted(res.items()):
            if r["status"] != "ok":
                failed.append({"rule": name, "file": rel, "status": r["status"], "detail": r["detail"]})
            for rec in r["records"]:
                if facts and rec.get("t") != "finding":
                    continue
                f = {"rule": name, "kind": classify(name, rec["msg"], rec.get("fact")), "file": rel,
                     "line": rec["line"], "col": rec["col"], "message": rec["msg"]}
                if rec.get("fact"):
                    f["fact"] = rec["fact"]
                findings.append(f)
    findings.sort(key=lambda f: (f["file"], f["line"], f["col"], f["rule"]))
    return findings, failed


def summary(findings):
    s = {}
    for f in findings:
        k = s.setdefault(f["rule"], {})
        k[f["kind"]] = k.get(f["kind"], 0) + 1
    return s


def scopes_json(findings, failed):
    """scopes.json's content: the scan publishes it with its other outputs."""
    return {"summary": summary(findings), "findings": findings, "failed": failed}
