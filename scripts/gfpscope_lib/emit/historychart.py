"""The history's line chart: sites per subsystem over revisions, SVG and PNG.

Drawn by charts.line_chart, the report's chart code (deterministic SVG,
atomic writes, the one place that sets matplotlib up).
"""
from . import charts


def write(h, base, top=10):
    from ..commands.history import series
    names, order = series(h, "by_directory")
    labels = [r["rev"] for r in h["revisions"]]
    totals = [r["totals"]["sites"] for r in h["revisions"]]
    title = ("GFP_NOFS/GFP_NOIO sites, top %d subsystems by directory (all: %s)"
             % (min(top, len(order)), " \u2192 ".join(str(t) for t in totals)))
    # the legend names each subsystem with its count at the last revision
    charts.line_chart({f"{n} ({names[n][-1]})": names[n] for n in order[:top]}, labels, title, base)
