"""The report as text: report.md (mail, commit messages), report.csv and report.json
(scripts), report.org (Emacs, like coccicheck's MODE=org).

All four are written from the same model as report.html (report.build).
"""
import csv
import io
import json

from ..core import reasons
from .report import FAMILY_ORDER, REASON_ORDER, REASON_TEXT

TOKEN = {"nofs": "GFP_NOFS", "noio": "GFP_NOIO"}


def _counts(d):
    return ", ".join(f"{k} {v}" for k, v in d.items())


def to_markdown(m, top=None):
    """Short enough for a mail: the totals, the table per subsystem, the proven sites.

    The full list of sites is in report.html, report.org and report.json.
    """
    t = m["totals"]
    v = m["tree"]["version"]
    out = [f"# GFP_NOFS/GFP_NOIO in Linux {v}", "",
           f"{t['sites']} sites ({t['nofs']} GFP_NOFS, {t['noio']} GFP_NOIO) in {t['subsystems']} subsystems "
           f"({m['scope']}).",
           f"Proven (convert to GFP_KERNEL): {t['convert']}"
           + (f" ({_counts(t['convert_by_confidence'])})" if t["convert"] else "")
           + f"; keep: {t['keep']}; not analysed by spatch: {t['unparsed']}.", "",
           "| verdict | reason | sites | meaning |", "|---|---|---:|---|"]
    for r in m["reasons"]:
        verdict = reasons.verdict(r)
        out.append(f"| {verdict} | {r} | {t['by_reason'][r]} | {REASON_TEXT.get(r, '')} |")
    out += ["", "Allocator families: " + _counts({f: t["by_family"][f] for f in m["families"]}) + ".", "",
            "## Per subsystem", "",
            "| subsystem | sites | NOFS | NOIO | convert | keep | main reasons to keep |",
            "|---|---:|---:|---:|---:|---:|---|"]
    rows = m["by_directory"][:top] if top else m["by_directory"]
    for r in rows:
        keeps = {k: n for k, n in r["by_reason"].items() if reasons.verdict(k) == "keep"}
        main = ", ".join(f"{k} {n}" for k, n in sorted(keeps.items(), key=lambda kv: -kv[1])[:3])
        out.append(f"| {r['subsystem']} | {r['total']} | {r['nofs']} | {r['noio']} | {r['convert']} "
                   f"| {r['keep']} | {main} |")
    out.append(f"| **all** | **{t['sites']}** | {t['nofs']} | {t['noio']} | {t['convert']} | {t['keep']} | |")
    conv = [s for r in m["by_directory"] for s in r["sites"] if s["verdict"] == "convert"]
    out += ["", "## Proven conversions", ""]
    if not conv:
        out.append("None yet.")
    for s in conv:
        out.append(f"- `{s['file']}:{s['line']}` {s['function'] or '(file scope)'}(): {TOKEN[s['kind']]} in "
                   f"`{s['call']}`, {s['reason']} ({s['confidence']}): {'; '.join(s['evidence'])}")
    return "\n".join(out) + "\n"


def to_csv(m):
    """One row per subsystem, by directory and by MAINTAINERS entry, with fixed columns.

    The reason and family columns are the full lists (REASON_ORDER, FAMILY_ORDER),
    not just the ones that occur, so that files from different releases line up.
    """
    reasons = REASON_ORDER + sorted(k for k in m["totals"]["by_reason"] if k not in REASON_ORDER)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["version", "grouping", "subsystem", "sites", "nofs", "noio", "convert", "keep", "unparsed"]
               + [f"reason:{r}" for r in reasons] + [f"family:{f}" for f in FAMILY_ORDER])
    for grouping, rows in (("directory", m["by_directory"]), ("maintainers", m["by_maintainers"])):
        for r in rows:
            w.writerow([m["tree"]["version"], grouping, r["subsystem"], r["total"], r["nofs"], r["noio"],
                        r["convert"], r["keep"], r["unparsed"]]
                       + [r["by_reason"].get(x, 0) for x in reasons]
                       + [r["by_family"].get(f, 0) for f in FAMILY_ORDER])
    return buf.getvalue()


def to_json(m):
    return json.dumps(m, indent=1) + "\n"


def _org_safe(msg):
    # coccilib.org.print_safe_todo: brackets would end the org link early
    return msg.replace("[", "@(").replace("]", ")")


def to_org(m):
    """One `* TODO` link per site, as coccicheck MODE=org prints them (coccilib/org.py).

    [[view:FILE::face=F::linb=L::colb=C::cole=C2][message]], with FILE relative
    to the top of the tree (open the file from there), C and C2 the token's
    0-based columns as spatch gives them. Proven sites use ovl-face1, the rest
    ovl-face2, so the conversions stand out in Emacs.
    """
    out = []
    for r in m["by_directory"]:
        for s in r["sites"]:
            tok = TOKEN[s["kind"]]
            face = "ovl-face1" if s["verdict"] == "convert" else "ovl-face2"
            fn = f"{s['function']}()" if s["function"] else "file scope"
            why = f"{s['verdict']}, {s['reason']}" if s["verdict"] else "no verdict"
            if s["verdict"] == "convert":
                why += f" ({s['confidence']})"
            ev = f": {'; '.join(s['evidence'])}" if s["evidence"] else ""
            msg = _org_safe(f"{r['subsystem']}: {tok} in {fn} -> {s['call'] or 'no call'}: {why}{ev}")
            out.append(f"* TODO [[view:{s['file']}::face={face}::linb={s['line']}::colb={s['col']}"
                       f"::cole={s['col'] + len(tok)}][{msg}]]")
    return "\n".join(out) + ("\n" if out else "")
