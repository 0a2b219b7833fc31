"""Charts with matplotlib (Debian's python3-matplotlib): each one as SVG and PNG.

The SVG is embedded in report.html, the PNG sits beside it for mail and wikis.
Both are made to be byte-for-byte the same from the same data, so that the
committed reports under reports/ do not churn: no date in the metadata, a
fixed hash salt for the SVG's ids, and text kept as <text> (svg.fonttype
none) rather than glyph outlines, which would change with the font version.
matplotlib is imported here only, and lazily, so that `scan` never needs it.
"""
import io

from ..core.atomic import write_bytes, write_text
from ..core.errors import GfpError

# colour-blind-safe (Okabe-Ito) so that convert/keep and the kinds stay apart in print too
CONVERT, NOFS, NOIO = "#009E73", "#0072B2", "#E69F00"
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]


def _plt():
    try:
        import matplotlib
    except ImportError:
        raise GfpError("python3-matplotlib is not installed: it draws the report's charts "
                       "(apt-get install python3-matplotlib, or make setup)")
    matplotlib.use("Agg")  # no display: the same on a headless CI machine as on a desktop
    matplotlib.rcParams.update({
        "svg.hashsalt": "gfpscope",
        "svg.fonttype": "none",
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
    })
    import matplotlib.pyplot as plt
    return plt


def _render(fig):
    """(svg text without the XML prolog, png bytes), both free of dates and versions."""
    plt = _plt()
    svg, png = io.StringIO(), io.BytesIO()
    fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
    fig.savefig(png, format="png", dpi=100, metadata={"Software": None})
    plt.close(fig)
    text = svg.getvalue()
    i = text.find("<svg")  # drop <?xml ...?> and <!DOCTYPE>: the SVG goes inline into HTML
    return text[i:], png.getvalue()


def save(fig, path_base):
    """Write path_base.svg and path_base.png; return the SVG text for embedding."""
    svg, png = _render(fig)
    write_text(path_base + ".svg", svg)
    write_bytes(path_base + ".png", png)
    return svg


def top_subsystems(rows, title, path_base, n=20):
    """Horizontal stacked bars for the n biggest subsystems: provable, then what is left by kind.

    The three segments add up to the subsystem's total (convert + NOFS left + NOIO
    left, where left is every site not proven), and the total is written at the
    end of each bar, as in the table.
    """
    plt = _plt()
    rows = rows[:n]
    names = [r["subsystem"] for r in rows][::-1]
    conv = [r["convert"] for r in rows][::-1]
    left_nofs = [r["left_nofs"] for r in rows][::-1]
    left_noio = [r["left_noio"] for r in rows][::-1]
    fig, ax = plt.subplots(figsize=(8, 0.28 * max(len(rows), 3) + 1.2))
    y = range(len(rows))
    ax.barh(y, conv, color=CONVERT, label="convert (proven)")
    ax.barh(y, left_nofs, left=conv, color=NOFS, label="left: GFP_NOFS")
    ax.barh(y, left_noio, left=[a + b for a, b in zip(conv, left_nofs)], color=NOIO, label="left: GFP_NOIO")
    for i, r in enumerate(rows[::-1]):
        ax.text(r["total"], i, f" {r['total']}", va="center", fontsize=8)
    ax.set_yticks(list(y), names)
    ax.set_xlabel("sites")
    ax.set_title(title, loc="left")
    ax.margins(x=0.08)
    ax.legend(loc="lower right", frameon=False)
    fig.tight_layout()
    return save(fig, path_base)


def line_chart(series, labels, title, path_base, ylabel="sites"):
    """One line per series over the same x labels (releases, for history); SVG + PNG.

    series: {name: [value per label]}, in the order the legend should list them;
    a value of None leaves a gap (a subsystem that did not exist yet).
    Returns the SVG text for embedding.
    """
    plt = _plt()
    fig, ax = plt.subplots(figsize=(8, 4.5))
    x = list(range(len(labels)))
    for i, (name, values) in enumerate(series.items()):
        if len(values) != len(labels):
            raise ValueError(f"series {name}: {len(values)} values for {len(labels)} labels")
        ax.plot(x, [float("nan") if v is None else v for v in values], marker="o", markersize=3,
                color=PALETTE[i % len(PALETTE)], linestyle="-" if i < len(PALETTE) else "--", label=name)
    ax.set_xticks(x, labels, rotation=45 if len(labels) > 8 else 0, ha="right" if len(labels) > 8 else "center")
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    ax.set_title(title, loc="left")
    ax.grid(axis="y", alpha=0.3)
    if series:
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8)
    fig.tight_layout()
    return save(fig, path_base)
