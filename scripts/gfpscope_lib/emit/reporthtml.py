"""report.html: the report a person would rather look at than read.

Self-contained: the CSS is inline, the chart is inline SVG, there is no
script, font, image or style sheet to fetch, so the page looks the same from
a mail attachment, a CI artifact or a laptop without network. The only URLs
are the `file:line` links, which are navigations (to the upstream source at
the scanned version, see report.DEFAULT_SOURCE_URL), never page assets.

Every number is printed from the report model (report.build), which is
checked against census.json. The elements that carry the census's numbers
are marked for machines as well as people: the total is #total-sites, each
per-subsystem row is <tr data-subsystem=NAME> with its total in td.total,
which is what test_report compares with census.json.
"""
import html
import re

from ..core import reasons
from .report import REASON_TEXT

CSS = """
:root { --fg:#1b1f24; --dim:#6a737d; --line:#d8dee4; --head:#f3f5f7; --convert:#009E73;
        --nofs:#0072B2; --noio:#E69F00; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: var(--fg);
       margin: 0 auto; padding: 20px 28px 60px; max-width: 1240px; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 32px 0 8px;
     border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.sub { color: var(--dim); margin: 0 0 16px; }
code, .mono { font-family: "DejaVu Sans Mono", ui-monospace, monospace; font-size: 12px; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 12px 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 120px; }
.card .n { display: block; font-size: 26px; font-weight: 600; font-variant-numeric: tabular-nums; }
.card .l { color: var(--dim); font-size: 12px; }
.card.convert .n { color: var(--convert); } .card.nofs .n { color: var(--nofs); }
.card.noio .n { color: var(--noio); }
table { border-collapse: collapse; margin: 8px 0; font-size: 12.5px; }
th, td { border-bottom: 1px solid var(--line); padding: 3px 7px; text-align: left; vertical-align: top; }
th { background: var(--head); font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.zero { color: #c0c6cc; }
td.total, th.total { font-weight: 600; }
tr.all td { border-top: 2px solid var(--fg); font-weight: 600; }
.verdict-convert { color: var(--convert); font-weight: 600; }
td.site { white-space: nowrap; }
.ev { color: var(--dim); font-size: 11.5px; max-width: 460px; }
table.wide .ev { max-width: none; }
.note { color: var(--dim); }
figure { margin: 8px 0; } figure svg { max-width: 100%; height: auto; }
figcaption { color: var(--dim); font-size: 12px; }
details { margin: 4px 0; } summary { cursor: pointer; padding: 2px 0; }
summary .c { color: var(--dim); }
.cols { display: flex; gap: 32px; flex-wrap: wrap; align-items: flex-start; }
a { color: #0550ae; text-decoration: none; } a:hover { text-decoration: underline; }
"""


def e(x):
    return html.escape("" if x is None else str(x), quote=True)


def slug(name):
    return "s-" + re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-")


def _n(v, cls=""):
    c = ("n " + cls).strip() + (" zero" if not v else "")
    return f'<td class="{c}">{v}</td>'


def _sites(n):
    return f"{n} site" if n == 1 else f"{n} sites"


def _cards(t):
    conf = t["convert_by_confidence"]
    conv_note = ", ".join(f"{v} {k}" for k, v in conf.items()) or "none"
    cards = [("total-sites", "", t["sites"], "sites"), ("total-nofs", "nofs", t["nofs"], "GFP_NOFS"),
             ("total-noio", "noio", t["noio"], "GFP_NOIO"),
             ("total-convert", "convert", t["convert"], f"proven: convert ({conv_note})"),
             ("total-keep", "", t["keep"], "keep (left as they are)"),
             ("total-unparsed", "", t["unparsed"], "not analysed by spatch"),
             ("total-subsystems", "", t["subsystems"], "subsystems")]
    return '<div class="cards">' + "".join(
        f'<div class="card {c}"><span class="n" id="{i}">{v}</span><span class="l">{e(l)}</span></div>'
        for i, c, v, l in cards) + "</div>"


def _reason_table(m):
    t = m["totals"]
    rows = []
    for r in m["reasons"]:
        verdict = reasons.verdict(r)
        rows.append(f'<tr><td class="verdict-{verdict}">{verdict}</td><td><code>{e(r)}</code></td>'
                    f'{_n(t["by_reason"][r])}<td>{e(REASON_TEXT.get(r, ""))}</td></tr>')
    return ('<table id="reasons"><thead><tr><th>verdict</th><th>reason</th><th class="n">sites</th>'
            '<th>meaning</th></tr></thead><tbody>' + "".join(rows) + "</tbody></table>")


def _family_table(m):
    t = m["totals"]
    rows = "".join(f'<tr><td>{e(f)}</td>{_n(t["by_family"][f])}</tr>' for f in m["families"])
    return ('<table id="families"><thead><tr><th>allocator family</th><th class="n">sites</th></tr></thead>'
            "<tbody>" + rows + "</tbody></table>")


def _subsystem_table(m, rows, table_id, link=True):
    """Sites by kind, verdict and reason: one row per subsystem, the totals row last."""
    reasons = m["reasons"]
    head = ('<tr><th rowspan="2">subsystem</th><th rowspan="2" class="n total">sites</th>'
            '<th colspan="2">kind</th><th colspan="2">verdict</th>'
            f'<th colspan="{len(reasons)}">reason</th></tr><tr>'
            '<th class="n">NOFS</th><th class="n">NOIO</th><th class="n">convert</th><th class="n">keep</th>'
            + "".join(f'<th class="n" title="{e(REASON_TEXT.get(r, ""))}">{e(r)}</th>' for r in reasons) + "</tr>")
    body = []
    for r in rows:
        name = f'<a href="#{slug(r["subsystem"])}">{e(r["subsystem"])}</a>' if link else e(r["subsystem"])
        body.append(f'<tr data-subsystem="{e(r["subsystem"])}"><td>{name}</td>{_n(r["total"], "total")}'
                    f'{_n(r["nofs"])}{_n(r["noio"])}{_n(r["convert"], "convert")}{_n(r["keep"])}'
                    + "".join(_n(r["by_reason"].get(x, 0)) for x in reasons) + "</tr>")
    t = m["totals"]
    body.append(f'<tr class="all"><td>all</td>{_n(t["sites"], "total")}{_n(t["nofs"])}{_n(t["noio"])}'
                f'{_n(t["convert"])}{_n(t["keep"])}' + "".join(_n(t["by_reason"][x]) for x in reasons) + "</tr>")
    return f'<table id="{table_id}"><thead>{head}</thead><tbody>' + "\n".join(body) + "</tbody></table>"


def _family_by_subsystem(m):
    fams = m["families"]
    head = ('<tr><th>subsystem</th><th class="n total">sites</th>'
            + "".join(f'<th class="n">{e(f)}</th>' for f in fams) + "</tr>")
    body = [f'<tr data-subsystem="{e(r["subsystem"])}"><td>{e(r["subsystem"])}</td>{_n(r["total"], "total")}'
            + "".join(_n(r["by_family"].get(f, 0)) for f in fams) + "</tr>" for r in m["by_directory"]]
    t = m["totals"]
    body.append(f'<tr class="all"><td>all</td>{_n(t["sites"], "total")}'
                + "".join(_n(t["by_family"][f]) for f in fams) + "</tr>")
    return '<table id="by-family"><thead>' + head + "</thead><tbody>" + "\n".join(body) + "</tbody></table>"


# where a long evidence chain may wrap: after these (the <wbr> goes after each), and at
# spaces, never inside an identifier (a cell may still widen the table: the page scrolls
# rather than cut xfs_trans_alloc_inode in two)
_BREAK_AFTER = re.compile(r"(-&gt;|&lt;-|\((?!\))|,|/)")  # not inside "()"


def _ev_text(x):
    return _BREAK_AFTER.sub(r"\1<wbr>", e(x))


def _evidence(s):
    ev = "<br>".join(_ev_text(x) for x in s["evidence"])
    if not s["parsed"] and s["unparsed_reason"] and not ev:
        ev = e("unparsed: " + s["unparsed_reason"])
    return ev


def _where(s):
    return f'<a href="{e(s["url"])}">{e(s["file"])}:{e(s["line"])}</a>'


def _site_row(s):
    where = f'{s["file"]}:{s["line"]}'
    verdict = s["verdict"] or ""
    reason = s["reason"] or ""
    if s["confidence"] and verdict == "convert":
        reason += f' ({s["confidence"]})'
    ev = _evidence(s)
    return (f'<tr><td class="mono site"><a href="{e(s["url"])}">{e(where)}</a></td><td class="mono">{e(s["function"])}</td>'
            f'<td class="mono">{e(s["call"])}</td><td>{e(s["family"])}</td><td class="mono">{e(s["flags"])}</td>'
            f'<td class="verdict-{e(verdict)}">{e(verdict)}</td><td>{e(reason)}</td><td class="ev">{ev}</td></tr>')


SITE_HEAD = ('<thead><tr><th>site</th><th>function</th><th>call</th><th>family</th><th>flags</th>'
             '<th>verdict</th><th>reason</th><th>evidence</th></tr></thead>')


def _site_lists(m):
    out = []
    for r in m["by_directory"]:
        conv = f', <span class="verdict-convert">{r["convert"]} convert</span>' if r["convert"] else ""
        out.append(f'<details id="{slug(r["subsystem"])}"><summary><b>{e(r["subsystem"])}</b> '
                   f'<span class="c">{_sites(r["total"])}{conv}</span></summary>'
                   f'<table class="sites">{SITE_HEAD}<tbody>'
                   + "\n".join(_site_row(s) for s in r["sites"]) + "</tbody></table></details>")
    return "\n".join(out)


def _short_table(table_id, sites, proof):
    """The proven conversions and the __GFP_NOLOCKDEP candidates: only the columns that differ
    from site to site, so that the evidence has the room to read at 1280 pixels."""
    head = ('<thead><tr><th>site</th><th>function</th><th>call</th><th>flags</th>'
            + ('<th>proof</th>' if proof else '') + '<th>evidence</th></tr></thead>')
    rows = []
    for s in sites:
        how = f'<td>{e(s["reason"])} ({e(s["confidence"])})</td>' if proof else ""
        rows.append(f'<tr><td class="mono site">{_where(s)}</td><td class="mono">{e(s["function"])}</td>'
                    f'<td class="mono">{e(s["call"])}</td><td class="mono">{e(s["flags"])}</td>{how}'
                    f'<td class="ev">{_evidence(s)}</td></tr>')
    return f'<table id="{table_id}" class="sites wide">{head}<tbody>' + "\n".join(rows) + "</tbody></table>"


def _conversions(m):
    sites = [s for r in m["by_directory"] for s in r["sites"] if s["verdict"] == "convert"]
    if not sites:
        return "<p>No site is proven yet.</p>"
    return _short_table("conversions", sites, proof=True)


def _nolockdep(m):
    sites = [s for r in m["by_directory"] for s in r["sites"] if s.get("nolockdep_candidate")]
    intro = ("<p>Left keep: the site's function takes a transaction handle that is not known valid at the "
             "site (a caller may pass NULL, or the allocation is on the NULL branch), so the site may run "
             "inside the transaction's scope or outside it. Upstream used "
             "<code>GFP_KERNEL | __GFP_NOLOCKDEP</code> for such allocations "
             "(<code>xfs_btree_alloc_cursor()</code>); a person decides.</p>")
    if not sites:
        return intro + '<p id="nolockdep-none">No site is a candidate in this scan.</p>'
    return intro + _short_table("nolockdep", sites, proof=False)


def _what_it_takes(m):
    """Per subsystem: what is proven, and what the one scope of whatif.json would add."""
    w = m["whatif"]
    gain = w.get("by_subsystem")
    rows = [r for r in m["by_directory"] if r["convert"] or (gain or {}).get(r["subsystem"])]
    rows += [r for r in m["by_directory"][:10] if r not in rows]
    if gain is None:
        head = (f'<p class="note" id="whatif-note">The sites one missing scope blocks are not shown: '
                f'{e(w["note"])}. <code>gfpscope whatif --scope START:STOP</code> (or <code>--token</code>) '
                "on a subsystem's transaction API, then <code>gfpscope report</code>, adds them.</p>")
    else:
        head = (f'<p id="whatif-assumed">The what-if of this scan (whatif.json) assumes '
                f'{e("; ".join(w["assumed"]))}: {w["new_converts"]} more sites would be proven.</p>')
    lines = []
    for r in rows:
        left = r["total"] - r["convert"]
        more = ""
        if gain is not None:
            n = gain.get(r["subsystem"], 0)
            more = f'; <span class="n">{n}</span> more with the what-if\'s scope' if n else "; none more with the what-if's scope"
        lines.append(f'<li data-subsystem="{e(r["subsystem"])}"><b>{e(r["subsystem"])}</b>: '
                     f'{r["convert"]} of {_sites(r["total"])} proven{more}; {left} left</li>')
    return head + '<ul id="what-it-takes">' + "".join(lines) + "</ul>"


def _scopes(m):
    summ = m["scopes"]
    if summ is None:
        return "<p>No scopes.json in the scan's output.</p>"
    rows = "".join(f"<tr><td><code>{e(rule)}</code></td><td>{e(kind)}</td>{_n(n)}</tr>"
                   for rule, kinds in sorted(summ.items()) for kind, n in sorted(kinds.items()))
    table = ('<table id="scope-checks"><thead><tr><th>rule</th><th>kind</th><th class="n">findings</th></tr>'
             "</thead><tbody>" + rows + "</tbody></table>")
    items = "".join(
        f'<tr><td class="mono">{e(f["file"])}:{e(f["line"])}</td><td><code>{e(f["rule"])}</code></td>'
        f'<td>{e(f["kind"])}</td><td class="ev">{e(f["message"])}</td></tr>' for f in m["scope_findings"])
    if items:
        table += (f'<details><summary>all {len(m["scope_findings"])} findings</summary><table>'
                  '<thead><tr><th>where</th><th>rule</th><th>kind</th><th>message</th></tr></thead><tbody>'
                  + items + "</tbody></table></details>")
    return table


def render(m, chart_svg, chart_png_name):
    t = m["totals"]
    v = m["tree"]["version"]
    unparsed = ", ".join(f"{n} {k}" for k, n in sorted(t["unparsed_by_reason"].items()))
    maint_rows = _subsystem_table(m, m["by_maintainers"], "by-maintainers", link=False)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="{e(m["generator"])}">
<title>GFP_NOFS/GFP_NOIO in Linux {e(v)}</title>
<style>{CSS}</style>
</head>
<body>
<header>
<h1>GFP_NOFS/GFP_NOIO in Linux {e(v)}</h1>
<p class="sub">{t["sites"]} sites in {t["subsystems"]} subsystems ({e(m["scope"])}); how many a
memalloc_nofs/noio scope provably covers, and what is left. Generated by {e(m["generator"])}.
Links go to the upstream source at {e(m["tree"]["tag"])}.</p>
</header>

<section id="summary">
<h2>Summary</h2>
{_cards(t)}
<p>{t["convert"]} of {t["sites"]} sites are proven to run inside a scope and can become
<code>GFP_KERNEL</code> (<code>gfpscope patch</code> writes the patch). The other {t["keep"]} keep their
flags, for the reasons below.{f" {t['unparsed']} sites could not be analysed ({e(unparsed)}) and are counted as keep." if t["unparsed"] else ""}</p>
<div class="cols">
<div><h3>Verdicts and reasons</h3>{_reason_table(m)}</div>
<div><h3>Allocator families</h3>{_family_table(m)}</div>
</div>
</section>

<section id="chart">
<h2>Top subsystems</h2>
<figure>{chart_svg}
<figcaption>The {min(20, len(m["by_directory"]))} subsystems with the most sites: proven (convert), and what is
left by kind. Also as <a href="{e(chart_png_name)}">{e(chart_png_name)}</a>.</figcaption></figure>
</section>

<section id="proven">
<h2>Proven conversions</h2>
{_conversions(m)}
</section>

<section id="nolockdep-candidates">
<h2>Review candidates for __GFP_NOLOCKDEP</h2>
{_nolockdep(m)}
</section>

<section id="what-it-would-take">
<h2>What would it take</h2>
{_what_it_takes(m)}
</section>

<section id="subsystems">
<h2>Per subsystem</h2>
<p>By directory. Each name opens that subsystem's list of sites below.</p>
{_subsystem_table(m, m["by_directory"], "by-subsystem")}
<h3>By allocator family</h3>
{_family_by_subsystem(m)}
<details><summary>By MAINTAINERS entry (from {e(m["maintainers_from"])})</summary>
{maint_rows}
</details>
</section>

<section id="scopes">
<h2>Scope checks</h2>
{_scopes(m)}
</section>

<section id="sites">
<h2>Sites by subsystem</h2>
{_site_lists(m)}
</section>
</body>
</html>
"""
