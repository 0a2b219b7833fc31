"""`gfpscope report`: one model of a scan's outputs, written as html, md, csv, json and org.

The report adds no analysis. It reads what `scan` wrote into OUT (sites.json,
census.json, and scopes.json when present), groups the sites per subsystem
(counts.py, as the census does) by kind, verdict, reason and allocator
family, and hands that one model to the writers (reporthtml.py,
reporttext.py) and the chart (charts.py). Every number in every output
comes from this model, and build() checks the model against census.json,
so a report can never disagree with the census it claims to show.
"""
import re
import string

from . import counts
from .. import VERSION
from ..core import readback, reasons, sites as sites_file
from ..core.errors import GfpError

# Allocator families: which allocator a site's flags end up in, by the name of
# `call` (the last identifier of it, so `ops->alloc` is matched as `alloc`).
# The first pattern that matches wins, so the more specific families come first
# (kvmalloc before kmalloc, kmem_cache before kmalloc). Subsystem wrappers
# named after an allocator (f2fs_kzalloc, f2fs_kvzalloc,
# f2fs_kmem_cache_alloc) count as that allocator: the `(\w+_)?` prefix. The bio
# family precedes kmalloc so that bio_kmalloc() is a bio; alloc_inode_sb() is a
# kmem_cache allocation of an inode.
FAMILIES = [
    ("none", None),  # call is null: the flags are assigned, returned or in an initialiser
    ("vmalloc/kvmalloc", r"(\w+_)?(__)?(vmalloc|vzalloc|vcalloc|kvmalloc|kvzalloc|kvcalloc|kvrealloc)\w*"),
    ("kmem_cache", r"(\w+_)?kmem_cache_\w+|alloc_inode_sb"),
    ("bio/block", r"(__)?(bio_\w+|bvec_\w+|blkdev_issue_\w+|sb_issue_\w+|blk_\w+)"),
    ("kmalloc", r"(\w+_)?(__)?(kmalloc|kzalloc|kcalloc|krealloc|kmemdup|kstrn?dup|kv?asprintf"
                r"|bitmap_zalloc|bitmap_alloc)\w*"),
    ("page", r"(__)?(alloc_pages?|get_free_pages?|get_zeroed_page|folio_alloc|alloc_pages_node"
             r"|page_cache_alloc|filemap_alloc_folio|alloc_page_vma)\w*"),
    ("page cache", r"(\w+_)?(find_or_create_page|(__)?filemap_get_folio|filemap_add_folio"
                   r"|read_cache_page\w*|read_mapping_\w+|add_to_page_cache\w*|pagecache_get_page"
                   r"|grab_cache_page\w*|mapping_set_gfp_mask)"),
    ("mempool", r"mempool_\w+"),
    ("skb/net", r"(\w*skb\w*|genlmsg_new|nlmsg_new|sk_alloc|sock_\w+)"),
    ("usb", r"usb_\w+|\w+_urbs?"),
    ("radix/xarray/idr", r"(__)?(radix_tree_\w+|INIT_RADIX_TREE|RADIX_TREE_INIT|xa_\w+|xas_\w+|idr_\w+"
                         r"|ida_\w+)"),
]
OTHER = "other"
FAMILY_ORDER = [f for f, _ in FAMILIES[1:]] + [OTHER, "none"]
_FAMILY_RE = [(f, re.compile(p)) for f, p in FAMILIES if p]

# the reasons, their order and their one-line meanings: core/reasons.py
REASON_ORDER = reasons.ORDER
REASON_TEXT = {name: reasons.meaning(name) for name in reasons.ORDER + [reasons.NO_VERDICT]}

# Where a `file:line` link points. The HTML must stay self-contained (no assets from
# the network), but a link is a navigation, not an asset: it costs nothing offline
# and is useful online. A file:// link into KDIR would only work on the machine that
# ran the scan, so the default is the upstream stable tree at the scanned version.
# Debian's linux-source carries a few patches, so in a patched file the upstream line
# can be a few lines off: the text shown is always the scanned tree's own file:line.
DEFAULT_SOURCE_URL = ("https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/tree/"
                      "{path}?h={tag}#n{line}")


def family(call):
    """The allocator family of a site's call (see FAMILIES)."""
    if not call:
        return "none"
    name = re.split(r"->|\.", call)[-1].strip()
    for fam, rx in _FAMILY_RE:
        if rx.fullmatch(name):
            return fam
    return OTHER


def version_tag(version):
    """6.12.117 -> v6.12.117; 6.12.0 -> v6.12 (mainline releases have no .0 tag)."""
    parts = version.split(".")
    if len(parts) == 3 and parts[2] == "0":
        parts = parts[:2]
    return "v" + ".".join(parts)


# a row per subsystem (counts.py): kind, verdict, what is left to do by kind (the chart's
# bars), reason and allocator family
COLUMNS = [counts.TOTAL, counts.KIND, counts.VERDICT, counts.UNPARSED, counts.LEFT,
           counts.Tally("by_reason", lambda s: s.get("reason") or reasons.NO_VERDICT, REASON_ORDER),
           counts.Tally("by_family", lambda s: s["family"], FAMILY_ORDER)]
CONFIDENCE = counts.Tally("convert_by_confidence",
                          lambda s: s.get("confidence") if s.get("verdict") == "convert" else None,
                          ["high", "moderate"])


def _site(s, url, tag):
    return {
        "file": s["file"], "line": s["line"], "col": s["col"],
        "url": url.format(path=s["file"], line=s["line"], tag=tag, version=tag[1:]),
        "function": s.get("function"), "call": s.get("call"), "family": s["family"],
        "flags": s.get("flags"), "kind": s["kind"], "maintainers": s.get("maintainers"),
        "parsed": s["parsed"], "unparsed_reason": s.get("unparsed_reason"),
        "verdict": s.get("verdict"), "reason": s.get("reason"), "confidence": s.get("confidence"),
        "evidence": s.get("evidence") or [],
        "nolockdep_candidate": bool(s.get("nolockdep_candidate")),
    }


def check_against_census(model, census):
    """The report shows the census's numbers or none at all."""
    t = census["totals"]
    m = model["totals"]
    for k in ("sites", "nofs", "noio", "convert", "keep", "unparsed"):
        if t.get(k) != m[k]:
            raise GfpError(f"census.json says {t.get(k)} {k} but sites.json has {m[k]}: the two are from "
                           "different scans; run gfpscope scan again")
    want = {r["subsystem"]: r["total"] for r in census["by_directory"]}
    got = {r["subsystem"]: r["total"] for r in model["by_directory"]}
    if want != got:
        bad = sorted(k for k in set(want) | set(got) if want.get(k) != got.get(k))[0]
        raise GfpError(f"census.json and sites.json disagree on {bad} ({want.get(bad)} vs {got.get(bad)}): "
                       "run gfpscope scan again")


def whatif_summary(whatif, converts):
    """What whatif.json (from `gfpscope whatif` on this scan) says, for the report: the
    assumed scope and the new converts per subsystem; or why it is not shown."""
    if whatif is None:
        return {"note": "no whatif.json in the scan's output"}
    try:
        if whatif["converts_before"] != converts:
            return {"note": f"whatif.json counts {whatif['converts_before']} converts before its scope, this "
                            f"scan {converts}: it is from another scan"}
        assumed = [f"{', '.join(a['stop'])} ending a live {a['token']}" if "token" in a else
                   f"{a['start']}() opening a nofs scope that {', '.join(a['stop'])} closes"
                   for a in whatif["assumed"]]
        return {"assumed": assumed, "new_converts": whatif["new_converts"],
                "by_subsystem": dict(whatif["by_subsystem"])}
    except (KeyError, TypeError, AttributeError):
        return {"note": "whatif.json is not what this gfpscope's whatif writes"}


def build(sites, census, scopes=None, source_url=DEFAULT_SOURCE_URL, whatif=None):
    """The one model every output is written from."""
    version = census["tree"]["version"]
    tag = version_tag(version)
    for s in sites:
        s["family"] = family(s.get("call"))
    by_dir = counts.group(sites, "subsystem", COLUMNS)
    site_lists = {}
    for s in sorted(sites, key=lambda s: (s["file"], s["line"], s["col"])):
        site_lists.setdefault(s["subsystem"] or counts.NONE, []).append(_site(s, source_url, tag))
    for r in by_dir:
        r["sites"] = site_lists[r["subsystem"]]
    tot = counts.total(sites, COLUMNS + [CONFIDENCE])
    model = {
        "generator": "gfpscope " + VERSION,
        "tree": {"version": version, "tag": tag, "path": census["tree"].get("path")},
        "scope": census.get("scope"),
        "maintainers_from": census.get("maintainers_from"),
        "source_url": source_url,
        "totals": {"sites": tot["total"], "nofs": tot["nofs"], "noio": tot["noio"],
                   "convert": tot["convert"], "keep": tot["keep"], "unparsed": tot["unparsed"],
                   "convert_by_confidence": tot["convert_by_confidence"],
                   "by_reason": tot["by_reason"], "by_family": tot["by_family"],
                   "unparsed_by_reason": census["totals"].get("unparsed_by_reason", {}),
                   "subsystems": len(by_dir)},
        "reasons": [k for k in REASON_ORDER if k in tot["by_reason"]] +
                   sorted(k for k in tot["by_reason"] if k not in REASON_ORDER),
        # the families to show, biggest first, with the two catch-alls at the end
        "families": sorted((k for k in FAMILY_ORDER if k in tot["by_family"]),
                           key=lambda k: (k in (OTHER, "none"), -tot["by_family"][k] if k not in (OTHER, "none")
                                          else FAMILY_ORDER.index(k))),
        "by_directory": by_dir,
        "by_maintainers": counts.group(sites, "maintainers", COLUMNS),
        "scopes": (scopes or {}).get("summary"),
        "scope_findings": (scopes or {}).get("findings", []),
        "whatif": whatif_summary(whatif, tot["convert"]),
    }
    check_against_census(model, census)
    return model


def load(out, source_url=DEFAULT_SOURCE_URL):
    """The model of the scan in OUT; each file is read through its checked loader (readback)."""
    sites = sites_file.load(out)
    whatif = readback.load_json(out, "whatif.json", required=False)
    try:
        return build(sites, readback.census(out), readback.scopes(out), source_url,
                     whatif if isinstance(whatif, dict) else None)
    except (KeyError, TypeError, AttributeError) as e:
        # a whatif.json of another shape: an older gfpscope, or a file edited by hand
        raise GfpError(f"{out}: whatif.json is not what this gfpscope's whatif writes "
                       f"(no {e}): run gfpscope whatif --out {out} again")


CHART = "report-top-subsystems"
OUTPUTS = ["report.json", "report.csv", "report.md", "report.org", CHART + ".svg", CHART + ".png", "report.html"]


def write(model, out):
    """Write every report file into OUT as one set (atomic.FileSet): report.html, the file
    people open, is renamed into place last, and its old copy is removed first, so an
    interrupted run never leaves a report.html beside missing or stale companions."""
    # imported here: they import this module's tables, and matplotlib is slow to load
    from . import charts, reporthtml, reporttext
    from ..core.atomic import FileSet
    v = model["tree"]["version"]
    with FileSet(out, last="report.html") as fs:
        fs.text("report.json", reporttext.to_json(model))
        fs.text("report.csv", reporttext.to_csv(model))
        fs.text("report.md", reporttext.to_markdown(model))
        fs.text("report.org", reporttext.to_org(model))
        base = fs.path(CHART + ".svg")[:-len(".svg")]
        fs.path(CHART + ".png")
        svg = charts.top_subsystems(model["by_directory"], f"GFP_NOFS/GFP_NOIO sites per subsystem, Linux {v}",
                                    base)
        fs.text("report.html", reporthtml.render(model, svg, CHART + ".png"))
        return fs.publish()


URL_FIELDS = ("path", "line", "tag", "version")


def check_source_url(url):
    """--source-url may hold only the four plain fields: a format spec ({line:>5000000000})
    would grow every link without bound, and an attribute or index ({path.__class__})
    reaches into Python's objects."""
    try:
        parts = list(string.Formatter().parse(url))
    except ValueError as e:  # a lone { or }
        what = str(e)
    else:
        what = next((("{" + f + (f"!{c}" if c else "") + (f":{spec}" if spec else "") + "} is not allowed")
                     for _t, f, spec, c in parts if f is not None and (f not in URL_FIELDS or spec or c)), None)
    if what:
        raise GfpError(f"--source-url {url}: {what}: use only {{path}}, {{line}}, {{tag}} and {{version}}, "
                       "with nothing after the name ({{ and }} for a brace)")


def run(out, tree=None, source_url=None):
    """The report of the scan in OUT. The tree is optional: the version comes from
    census.json, and --kdir only checks that it names the tree that was scanned."""
    source_url = source_url or DEFAULT_SOURCE_URL
    census = readback.census(out, required=False) or {}
    scanned = (census.get("tree") or {}).get("version")
    if tree is not None and scanned and scanned != tree.version_str:
        raise GfpError(f"{out} holds a scan of Linux {scanned} but {tree.path} is Linux {tree.version_str}: "
                       "give the tree that was scanned, or scan this one")
    check_source_url(source_url)
    model = load(out, source_url)
    return model, write(model, out)
