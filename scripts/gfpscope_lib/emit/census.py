"""Step 3, counts: sites per subsystem and kind, by directory and by MAINTAINERS entry."""
import csv
import io

from . import counts
from ..core.atomic import json_text

# a row per subsystem (counts.py): GFP_NOFS, GFP_NOIO, all, analysed or not, verdicts
COLUMNS = [counts.KIND, counts.TOTAL, counts.PARSED, counts.VERDICT]


def totals(sites):
    """All the sites: the row's counts, and why sites were not analysed and the reasons of the verdicts."""
    return counts.total(sites, [
        counts.every("sites"), counts.KIND, counts.PARSED,
        counts.Tally("unparsed_by_reason", lambda s: None if s["parsed"] else s["unparsed_reason"]),
        counts.VERDICT,
        counts.Tally("by_reason", lambda s: s["reason"] if s.get("verdict") else None)])


def build(sites, tree, scope, maint_method):
    return {
        "tree": {"path": tree.path, "version": tree.version_str},
        "scope": scope,
        "maintainers_from": maint_method,
        "totals": totals(sites),
        "by_directory": counts.group(sites, "subsystem", COLUMNS),
        "by_maintainers": counts.group(sites, "maintainers", COLUMNS),
    }


def coverage_line(c):
    t = c["totals"]
    extra = ""
    if t["unparsed_by_reason"]:
        extra = " (" + ", ".join(f"{k}: {v}" for k, v in sorted(t["unparsed_by_reason"].items())) + ")"
    # a file the lexer could not read holds sites no count includes: say so on the same line
    unread = len((c.get("files") or {}).get("unreadable") or ())
    if unread:
        extra += f"; {unread} file{'s' if unread != 1 else ''} not read (census.json files.unreadable)"
    return f"coverage: {t['sites']} sites found, {t['parsed']} analysed, {t['unparsed']} unparsed{extra}"


def _md_table(rows, title, limit=None):
    out = [f"### {title}", "", "| subsystem | GFP_NOFS | GFP_NOIO | total | unparsed | convert |",
           "|---|---:|---:|---:|---:|---:|"]
    for r in rows[:limit] if limit else rows:
        out.append(f"| {r['subsystem']} | {r['nofs']} | {r['noio']} | {r['total']} | {r['unparsed']} "
                   f"| {r['convert']} |")
    return "\n".join(out) + "\n"


def to_markdown(c):
    t = c["totals"]
    head = (f"# GFP_NOFS/GFP_NOIO census of Linux {c['tree']['version']}\n\n"
            f"Scope: {c['scope']}. {t['sites']} sites: {t['nofs']} GFP_NOFS, {t['noio']} GFP_NOIO.\n"
            f"{coverage_line(c)}.\n"
            f"Verdicts: {t['convert']} convert, {t['keep']} keep"
            + (" (" + ", ".join(f"{k}: {v}" for k, v in sorted(t["by_reason"].items())) + ")" if t["by_reason"] else "")
            + ".\n"
            f"MAINTAINERS sections from {c['maintainers_from']}.\n\n")
    return head + _md_table(c["by_directory"], "By directory") + "\n" + \
        _md_table(c["by_maintainers"], "By MAINTAINERS entry")


def to_csv(c):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["grouping", "subsystem", "nofs", "noio", "total", "parsed", "unparsed", "convert", "keep"])
    for grouping, rows in (("directory", c["by_directory"]), ("maintainers", c["by_maintainers"])):
        for r in rows:
            w.writerow([grouping, r["subsystem"], r["nofs"], r["noio"], r["total"], r["parsed"], r["unparsed"],
                        r["convert"], r["keep"]])
    return buf.getvalue()


def files(c):
    """census.json, .csv and .md, by name: the scan publishes them with its other outputs."""
    return {"census.json": json_text(c), "census.csv": to_csv(c), "census.md": to_markdown(c)}


def short_table(c, n=15):
    rows = c["by_directory"][:n]
    w = max([len(r["subsystem"]) for r in rows] + [9])
    lines = [f"{'subsystem':<{w}}  {'NOFS':>5}  {'NOIO':>5}  {'total':>5}  {'convert':>7}"]
    for r in rows:
        lines.append(f"{r['subsystem']:<{w}}  {r['nofs']:>5}  {r['noio']:>5}  {r['total']:>5}  {r['convert']:>7}")
    t = c["totals"]
    lines.append(f"verdicts: {t['convert']} convert, {t['keep']} keep" + (
        " (" + ", ".join(f"{k}: {v}" for k, v in sorted(t["by_reason"].items(), key=lambda kv: -kv[1])) + ")"
        if t["by_reason"] else ""))
    return "\n".join(lines)
