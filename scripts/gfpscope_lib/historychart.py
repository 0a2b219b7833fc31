"""The history's line chart: sites per subsystem over revisions, SVG and PNG.

matplotlib with the Agg backend (Debian's python3-matplotlib). The SVG is
byte-for-byte the same on every run: a fixed hash salt for its ids and no
date in its metadata.
"""
import os

from .errors import GfpError


def _plt():
    try:
        import matplotlib
    except ImportError:
        raise GfpError("python3-matplotlib is not installed: it draws the history chart "
                       "(apt-get install python3-matplotlib, or make setup)")
    matplotlib.use("Agg")
    matplotlib.rcParams["svg.hashsalt"] = "gfpscope"
    matplotlib.rcParams["svg.fonttype"] = "path"
    import matplotlib.pyplot as plt
    return plt


def line_chart(base, xlabels, series, title, ylabel="sites"):
    """Write BASE.svg and BASE.png: one line per (name, values) in series."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(9, 5.5), dpi=100)
    xs = list(range(len(xlabels)))
    markers = "os^vD<>ph*"
    for i, (name, values) in enumerate(series):
        ax.plot(xs, values, marker=markers[i % len(markers)], linewidth=1.8, label=f"{name} ({values[-1]})")
    ax.set_xticks(xs)
    ax.set_xticklabels(xlabels)
    if len(xs) == 1:
        ax.set_xlim(-0.5, 0.5)
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize="small", frameon=False)
    fig.tight_layout()
    try:
        os.makedirs(os.path.dirname(os.path.abspath(base)), exist_ok=True)
        for ext, meta in (("svg", {"Date": None}), ("png", {"Software": None})):
            tmp = f"{base}.{ext}.tmp"
            fig.savefig(tmp, format=ext, metadata=meta)
            os.replace(tmp, f"{base}.{ext}")
    except OSError as e:
        raise GfpError(f"cannot write {base}.svg/.png: {e.strerror}")
    finally:
        plt.close(fig)


def write(h, base, top=10):
    from .history import series
    names, order = series(h, "by_directory")
    labels = [r["rev"] for r in h["revisions"]]
    totals = [r["totals"]["sites"] for r in h["revisions"]]
    title = ("GFP_NOFS/GFP_NOIO sites, top %d subsystems by directory (all: %s)"
             % (min(top, len(order)), " \u2192 ".join(str(t) for t in totals)))
    line_chart(base, labels, [(n, names[n]) for n in order[:top]], title)
