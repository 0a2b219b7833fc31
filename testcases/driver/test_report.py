"""gfpscope report: every file, numbers equal to the census, bad input, and the page in a real browser.

The browser tests need Debian's chromium (make setup installs it). Without it they
FAIL, with a message that says so: a report nobody looked at is not tested.
"""
import csv
import glob
import html.parser
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest
from unittest import mock

from util import REPO, SMALL, CliCase, ScannedTree, tree_state

from gfpscope_lib.core import atomic
from gfpscope_lib.emit import charts, report
from gfpscope_lib.core.errors import GfpError

REAL = os.path.join(REPO, "reports", "linux-6.12")  # this checkout's committed scan, not /work/main's
INPUTS = ("sites.json", "census.json", "scopes.json")


class Page(html.parser.HTMLParser):
    """What a person sees of the numbers: the per-subsystem table, the cards, the inline SVGs."""

    def __init__(self, text):
        super().__init__()
        self.ids, self.rows, self.tags = {}, {}, {}
        self.urls = []  # (tag, attribute, value) of everything that could load something
        self._table, self._row, self._cell, self._id = None, None, None, None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] = self.tags.get(tag, 0) + 1
        for k in ("src", "href", "data", "srcset", "poster", "xlink:href"):
            if k in a:
                self.urls.append((tag, k, a[k]))
        if tag == "table":
            self._table = a.get("id")
        elif tag == "tr" and self._table == "by-subsystem" and "data-subsystem" in a:
            self._row = a["data-subsystem"]
            self.rows[self._row] = []
        elif tag == "td" and self._row is not None:
            self._cell = ""
        if "id" in a and tag == "span":
            self._id, self.ids[a["id"]] = a["id"], ""

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.rows[self._row].append(self._cell.strip())
            self._cell = None
        elif tag == "tr":
            self._row = None
        elif tag == "table":
            self._table = None
        elif tag == "span":
            self._id = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data
        if self._id:
            self.ids[self._id] += data


def census_equal(test, page, census):
    """Every per-subsystem row and the overall totals, as shown, equal census.json."""
    test.assertEqual(int(page.ids["total-sites"]), census["totals"]["sites"])
    for k in ("nofs", "noio", "convert", "keep", "unparsed"):
        test.assertEqual(int(page.ids["total-" + k]), census["totals"][k], k)
    want = {r["subsystem"]: [r["total"], r["nofs"], r["noio"], r["convert"], r["keep"]]
            for r in census["by_directory"]}
    got = {name: [int(x) for x in cells[1:6]] for name, cells in page.rows.items()}
    test.assertEqual(got, want)
    test.assertEqual(sum(v[0] for v in got.values()), census["totals"]["sites"])


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        exe = shutil.which(name)
        if exe:
            return exe
    return None


class Browser:
    """Headless Chromium from Debian, with a throw-away profile."""

    def __init__(self, test, tmp):
        self.exe = chromium()
        if not self.exe:
            test.fail("chromium is not installed, so report.html cannot be checked in a browser: "
                      "apt-get install chromium (make setup installs it)")
        self.test, self.tmp = test, tmp

    def _run(self, *args):
        profile = tempfile.mkdtemp(prefix="chromium.", dir=self.tmp)
        cmd = [self.exe, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
               "--no-first-run", "--user-data-dir=" + profile, *args]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
        self.test.assertEqual(r.returncode, 0, f"{' '.join(cmd)} failed: {r.stderr[-2000:]}")
        return r.stdout

    def screenshot(self, page, png, size=(1280, 2000)):
        self._run(f"--screenshot={png}", f"--window-size={size[0]},{size[1]}", "file://" + page)
        self.test.assertTrue(os.path.exists(png), f"chromium wrote no screenshot {png}")
        return png

    def dom(self, page):
        return self._run("--dump-dom", "file://" + page)


def check_screenshot(test, png):
    """The right size, not blank, and the chart's colours are on it."""
    import matplotlib.image
    img = matplotlib.image.imread(png)  # floats in [0, 1], rows x cols x RGB(A)
    test.assertEqual(img.shape[:2], (2000, 1280))
    rgb = img[:, :, :3]
    test.assertGreater(float(rgb.std()), 0.05, "the screenshot is (nearly) one colour")
    # the bars of the chart: pixels close to its NOFS blue or NOIO orange
    for name, hexcol in (("NOFS", charts.NOFS), ("NOIO", charts.NOIO)):
        c = [int(hexcol[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        near = (abs(rgb - c).max(axis=2) < 0.08).sum()
        test.assertGreater(int(near), 2000, f"the chart's {name} bars are not on the screenshot")


# Run in a copy of the page only (report.html itself has no script): where each identifier
# of the named tables lands, and whether the page is wider than the window.
PROBE = """<script>
(function () {
  var broken = [], words = 0;
  %s.forEach(function (id) {
    var t = document.getElementById(id);
    if (!t) return;
    var w = document.createTreeWalker(t, NodeFilter.SHOW_TEXT), node;
    while ((node = w.nextNode())) {
      var re = /[A-Za-z_][A-Za-z0-9_]*/g, m;
      while ((m = re.exec(node.data))) {
        var r = document.createRange();
        r.setStart(node, m.index);
        r.setEnd(node, m.index + m[0].length);
        words++;
        if (r.getClientRects().length > 1) broken.push(m[0]);
      }
    }
  });
  document.body.setAttribute("data-probe", JSON.stringify({words: words, broken: broken,
    scroll: document.documentElement.scrollWidth, width: window.innerWidth}));
})();
</script>"""


def layout_at_1280(test, b, page, ids=("conversions", "nolockdep")):
    """{words, broken, scroll, width} of the tables `ids` in Chromium at 1280 pixels."""
    with open(page, encoding="utf-8") as f:
        text = f.read()
    probe = os.path.join(os.path.dirname(page), "probe.html")
    with open(probe, "w", encoding="utf-8") as f:
        f.write(text.replace("</body>", PROBE % json.dumps(list(ids)) + "</body>"))
    try:
        dom = b._run("--window-size=1280,2000", "--dump-dom", "file://" + probe)
    finally:
        os.unlink(probe)
    m = re.search(r'data-probe="([^"]*)"', dom)
    test.assertTrue(m, "the layout probe did not run")
    import html as html_mod
    return json.loads(html_mod.unescape(m.group(1)))


def check_readable(test, b, page):
    """The proven conversions and the candidates, read at 1280 pixels: no identifier cut in
    two by a line break, and no page wider than the window."""
    got = layout_at_1280(test, b, page)
    test.assertGreater(got["words"], 0)
    test.assertEqual(got["broken"], [], "identifiers wrapped mid-word")
    test.assertLessEqual(got["scroll"], got["width"], "the page is wider than 1280 pixels")
    return got


class ReportSmallTree(ScannedTree):
    TREE = SMALL
    SHARE_WORKSPACE = True

    @classmethod
    def after_scan(cls):
        cls.r = cls.shared.gfpscope("report", "--kdir", SMALL, "--out", cls.shared.out)

    def setUp(self):
        super().setUp()
        self.assertEqual(self.r.returncode, 0, self.r.stderr)

    def test_every_file_and_nothing_else(self):
        for name in report.OUTPUTS:
            self.assertTrue(os.path.getsize(os.path.join(self.out, name)) > 0, name)
        self.assertEqual(glob.glob(os.path.join(self.out, ".*")), [], "staging files left behind")
        self.assertIn("report.html", self.r.stdout)

    def test_html_numbers_equal_census(self):
        census_equal(self, Page(self.load("report.html")), self.load("census.json"))

    def test_html_is_self_contained(self):
        page = Page(self.load("report.html"))
        for tag in ("script", "link", "img", "iframe", "object", "embed"):
            self.assertNotIn(tag, page.tags, f"<{tag}> would load something")
        for tag, attr, url in page.urls:
            # in-page references (anchors, the SVG's <use>), and else navigations only:
            # links to the source, the PNG beside the page
            if url.startswith("#"):
                continue
            self.assertEqual(tag, "a", (tag, attr, url))
            self.assertTrue(url.startswith(("#", "https://git.kernel.org/")) or url == "report-top-subsystems.png", url)
        text = self.load("report.html")
        self.assertEqual(re.findall(r"url\((?!#)[^)]*\)", text), [], "CSS url() that is not in the page")
        self.assertNotIn("@import", text)
        self.assertEqual(page.tags.get("svg"), 1)

    def test_links_name_the_version_and_line(self):
        m = self.load("report.json")
        s = next(x for r in m["by_directory"] for x in r["sites"] if x["file"] == "fs/foofs/super.c" and x["line"] == 17)
        self.assertEqual(s["url"], "https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/tree/"
                                   "fs/foofs/super.c?h=v6.12#n17")  # 6.12.0 is tagged v6.12
        self.assertIn('>fs/foofs/super.c:17</a>', self.load("report.html"))

    def test_json_holds_every_site_once(self):
        m = self.load("report.json")
        sites = self.load("sites.json")
        got = sorted((s["file"], s["line"], s["col"]) for r in m["by_directory"] for s in r["sites"])
        self.assertEqual(got, sorted((s["file"], s["line"], s["col"]) for s in sites))
        self.assertEqual(m["totals"]["sites"], len(sites))
        self.assertEqual(sum(m["totals"]["by_family"].values()), len(sites))
        self.assertEqual(sum(m["totals"]["by_reason"].values()), len(sites))

    def test_csv_equals_census(self):
        rows = [r for r in csv.DictReader(io.StringIO(self.load("report.csv"))) if r["grouping"] == "directory"]
        c = self.load("census.json")
        self.assertEqual({r["subsystem"]: (int(r["sites"]), int(r["nofs"]), int(r["noio"]), int(r["convert"]))
                          for r in rows},
                         {r["subsystem"]: (r["total"], r["nofs"], r["noio"], r["convert"]) for r in c["by_directory"]})
        for r in rows:  # the breakdowns add up to the row
            self.assertEqual(sum(int(v) for k, v in r.items() if k.startswith("family:")), int(r["sites"]))
            self.assertEqual(sum(int(v) for k, v in r.items() if k.startswith("reason:")), int(r["sites"]))

    def test_markdown(self):
        md = self.load("report.md")
        c = self.load("census.json")
        self.assertIn(f"{c['totals']['sites']} sites", md)
        self.assertIn("| fs/foofs | 6 | 6 | 0 |", md)

    def test_org_is_coccicheck_style_and_points_at_the_token(self):
        lines = self.load("report.org").splitlines()
        self.assertEqual(len(lines), len(self.load("sites.json")))
        rx = re.compile(r"^\* TODO \[\[view:(?P<f>[^:]+)::face=ovl-face[12]::linb=(?P<l>\d+)::colb=(?P<b>\d+)"
                        r"::cole=(?P<e>\d+)\]\[(?P<msg>[^\[\]]+)\]\]$")
        for line in lines:
            m = rx.match(line)
            self.assertTrue(m, line)
            with open(os.path.join(SMALL, m["f"]), encoding="utf-8", errors="replace") as f:
                text = f.read().splitlines()[int(m["l"]) - 1]
            self.assertIn(text[int(m["b"]):int(m["e"])], ("GFP_NOFS", "GFP_NOIO"), line)

    def test_same_input_same_bytes(self):
        # committed reports must not churn: the charts included
        def read(n):
            with open(os.path.join(self.out, n), "rb") as f:
                return f.read()
        before = {n: read(n) for n in report.OUTPUTS}
        r = self.gfpscope("report", "--out", self.out)
        self.assertEqual(r.returncode, 0, r.stderr)
        for n in report.OUTPUTS:
            self.assertEqual(read(n), before[n], n)

    def test_tree_untouched(self):
        self.assertEqual(tree_state(SMALL), self.tree_before)

    def test_screenshot_in_chromium(self):
        b = Browser(self, self.tmp)
        page = os.path.join(self.out, "report.html")
        png = b.screenshot(page, os.path.join(self.tmp, "small.png"))
        check_screenshot(self, png)
        dom = Page(b.dom(page))
        census_equal(self, dom, self.load("census.json"))
        self.assertEqual(dom.tags.get("svg"), 1)
        check_readable(self, b, page)

    def test_nolockdep_and_what_it_takes_without_whatif(self):
        text = self.load("report.html")
        self.assertIn('<p id="nolockdep-none">No site is a candidate in this scan.</p>', text)
        self.assertIn("no whatif.json in the scan&#x27;s output", text)
        self.assertIn('<li data-subsystem="fs/foofs"><b>fs/foofs</b>: 2 of 6 sites proven; 4 left</li>', text)

    def test_what_it_takes_with_whatif(self):
        out = os.path.join(self.tmp, "whatif-out")
        shutil.copytree(self.out, out)
        w = self.gfpscope("whatif", "-q", "--kdir", SMALL, "--out", out, "--scope", "foofs_cache:kfree")
        self.assertEqual(w.returncode, 0, w.stderr)
        with open(os.path.join(out, "whatif.json")) as f:
            whatif = json.load(f)
        r = self.gfpscope("report", "--out", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(out, "report.html")) as f:
            text = f.read()
        self.assertIn("assumes foofs_cache() opening a nofs scope that kfree closes: "
                      f"{whatif['new_converts']} more sites would be proven.", text)
        n = whatif["by_subsystem"].get("fs/foofs", 0)
        more = f'<span class="n">{n}</span> more' if n else "none more"
        self.assertIn(f"<b>fs/foofs</b>: 2 of 6 sites proven; {more} with the what-if", text)
        # a whatif.json of another scan is not shown, and the page says why
        whatif["converts_before"] += 1
        with open(os.path.join(out, "whatif.json"), "w") as f:
            json.dump(whatif, f)
        r = self.gfpscope("report", "--out", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(out, "report.html")) as f:
            text = f.read()
        self.assertIn("whatif.json counts 3 converts before its scope, this scan 2: it is from another scan", text)
        self.assertNotIn("more with the what-if", text)


class ReportRealTree(CliCase):
    """The committed scan of linux-6.12: the page in Chromium shows the census's numbers."""

    def test_real_612(self):
        self.assertTrue(os.path.exists(os.path.join(REAL, "sites.json")), f"{REAL}/sites.json is missing")
        os.makedirs(self.out)
        for name in INPUTS:
            shutil.copy(os.path.join(REAL, name), self.out)
        r = self.gfpscope("report", "--out", self.out)
        self.assertEqual(r.returncode, 0, r.stderr)
        census = self.load("census.json")
        page = os.path.join(self.out, "report.html")
        census_equal(self, Page(self.load("report.html")), census)
        b = Browser(self, self.tmp)
        check_screenshot(self, b.screenshot(page, os.path.join(self.tmp, "612.png")))
        dom = Page(b.dom(page))
        census_equal(self, dom, census)
        self.assertEqual(dom.tags.get("svg"), 1)
        sites = self.load("sites.json")
        nolockdep = sum(1 for s in sites if s.get("nolockdep_candidate"))
        # every site once, the proven ones and the __GFP_NOLOCKDEP candidates again at the top
        self.assertEqual(sum(1 for t, a, u in dom.urls if u.startswith("https://")), census["totals"]["sites"] * 1
                         + census["totals"]["convert"] + nolockdep)
        check_readable(self, b, page)

    def test_real_61_candidates_and_long_chains(self):
        # 6.1's conversions carry the longest chains (btrfs scrub, xfs transactions), and
        # its one __GFP_NOLOCKDEP candidate is xfs_btree_alloc_cursor()
        real = os.path.join(REPO, "reports", "linux-6.1")
        os.makedirs(self.out)
        for name in INPUTS:
            shutil.copy(os.path.join(real, name), self.out)
        r = self.gfpscope("report", "--out", self.out)
        self.assertEqual(r.returncode, 0, r.stderr)
        page = os.path.join(self.out, "report.html")
        b = Browser(self, self.tmp)
        dom = b.dom(page)
        want = [f'{s["file"]}:{s["line"]}' for s in self.load("sites.json") if s.get("nolockdep_candidate")]
        self.assertTrue(want)
        table = re.search(r'<table id="nolockdep".*?</table>', dom, re.S).group(0)
        self.assertEqual(re.findall(r'<td class="mono site"><a [^>]*>([^<]+)</a>', table), want)
        self.assertIn('id="whatif-note"', dom)
        got = check_readable(self, b, page)
        self.assertGreater(got["words"], 400)  # the 16 conversions and the candidate were measured


class CommittedReports(unittest.TestCase):
    """reports/linux-*/report.html shows the census committed beside it (`make reports` renews both)."""

    def test_committed_reports_match_their_census(self):
        dirs = sorted(glob.glob(os.path.join(REPO, "reports", "linux-*")))
        self.assertTrue(dirs)
        for d in dirs:
            with open(os.path.join(d, "census.json")) as f:
                census = json.load(f)
            with open(os.path.join(d, "report.html"), encoding="utf-8") as f:
                with self.subTest(d):
                    census_equal(self, Page(f.read()), census)


class BadInput(CliCase):
    def _scanned(self):
        r = self.gfpscope("scan", "--kdir", SMALL, "--out", self.out, "-q")
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_no_scan_yet(self):
        os.makedirs(self.out)
        r = self.gfpscope("report", "--out", self.out)
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stderr.strip(), f"gfpscope: {self.out}/sites.json not found: "
                                           f"run gfpscope scan --out {self.out} first")
        self.assertEqual(os.listdir(self.out), [])

    def test_output_dir_not_writable(self):
        self._scanned()
        before = sorted(os.listdir(self.out))
        os.chmod(self.tmp, 0o755)
        os.chmod(self.out, 0o555)
        # root writes anywhere: run the command as nobody, for whom 0555 means read-only
        drop = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else []
        try:
            r = subprocess.run(drop + ["/usr/bin/python3", os.path.join(REPO, "scripts", "gfpscope"), "report",
                                       "--out", self.out], capture_output=True, text=True, cwd="/", timeout=300)
        finally:
            os.chmod(self.out, 0o755)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("is not writable", r.stderr)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        self.assertEqual(sorted(os.listdir(self.out)), before)

    def test_census_and_sites_disagree(self):
        self._scanned()
        sites = self.load("sites.json")
        with open(os.path.join(self.out, "sites.json"), "w") as f:
            json.dump(sites[1:], f)
        r = self.gfpscope("report", "--out", self.out)
        self.assertEqual(r.returncode, 2)
        self.assertIn("run gfpscope scan again", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.out, "report.html")))

    def test_sites_json_torn(self):
        self._scanned()
        with open(os.path.join(self.out, "sites.json"), "w") as f:
            f.write('[{"file": ')
        r = self.gfpscope("report", "--out", self.out)
        self.assertEqual(r.returncode, 2)
        self.assertIn("sites.json is not valid JSON", r.stderr)

    def test_sites_json_of_another_shape(self):
        self._scanned()
        with open(os.path.join(self.out, "sites.json"), "w") as f:
            json.dump([{"file": "fs/a.c"}], f)
        r = self.gfpscope("report", "--out", self.out)
        self.assertEqual(r.returncode, 2)
        self.assertIn("sites.json is not what this gfpscope's scan writes (record 0 has no 'line')", r.stderr)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)

    def test_kdir_is_not_the_scanned_tree(self):
        self._scanned()
        other = self.copy_tree()
        with open(os.path.join(other, "Makefile")) as f:
            mk = f.read()
        with open(os.path.join(other, "Makefile"), "w") as f:
            f.write(mk.replace("SUBLEVEL = 0", "SUBLEVEL = 9"))
        r = self.gfpscope("report", "--kdir", other, "--out", self.out)
        self.assertEqual(r.returncode, 2)
        self.assertIn("holds a scan of Linux 6.12.0", r.stderr)

    def test_interrupted_publish_leaves_no_report_html(self):
        # an old, complete report; then a run that dies while renaming the new files into place
        self._scanned()
        self.assertEqual(self.gfpscope("report", "--out", self.out).returncode, 0)
        real_move, calls = atomic.FileSet._move, []

        def dying_move(fs, name):
            calls.append(name)
            if len(calls) == 3:
                raise KeyboardInterrupt
            return real_move(fs, name)

        with mock.patch.object(atomic.FileSet, "_move", dying_move):
            with self.assertRaises(KeyboardInterrupt):
                report.run(self.out)
        self.assertFalse(os.path.exists(os.path.join(self.out, "report.html")),
                         "a report.html beside a half-published set")
        self.assertEqual(glob.glob(os.path.join(self.out, ".gfpscope-stage.*")), [])
        report.run(self.out)  # the next run completes the set
        self.assertTrue(os.path.exists(os.path.join(self.out, "report.html")))


class Units(unittest.TestCase):
    def test_families(self):
        for call, fam in [("kmalloc", "kmalloc"), ("kzalloc", "kmalloc"), ("kmemdup", "kmalloc"),
                          ("f2fs_kzalloc", "kmalloc"), ("kvmalloc", "vmalloc/kvmalloc"),
                          ("__vmalloc", "vmalloc/kvmalloc"), ("kmem_cache_zalloc", "kmem_cache"),
                          ("alloc_page", "page"), ("__get_free_pages", "page"), ("folio_alloc", "page"),
                          ("find_or_create_page", "page cache"), ("mempool_alloc", "mempool"),
                          ("bio_alloc_bioset", "bio/block"), ("bio_kmalloc", "bio/block"),
                          ("alloc_skb", "skb/net"), ("usb_submit_urb", "usb"), ("radix_tree_preload",
                          "radix/xarray/idr"), ("xa_store", "radix/xarray/idr"), ("idr_alloc", "radix/xarray/idr"),
                          ("ops->alloc", "other"), ("afs_make_op_call", "other"), (None, "none")]:
            self.assertEqual(report.family(call), fam, call)

    def test_version_tag(self):
        self.assertEqual(report.version_tag("6.12.117"), "v6.12.117")
        self.assertEqual(report.version_tag("6.12.0"), "v6.12")

    def test_line_chart_writes_svg_and_png(self):
        d = tempfile.mkdtemp(prefix="gfpscope-test.")
        try:
            base = os.path.join(d, "history")
            svg = charts.line_chart({"fs/btrfs": [200, 190, 185], "fs/xfs": [None, 40, 20]},
                                    ["v6.1", "v6.6", "v6.12"], "sites per release", base)
            self.assertTrue(svg.startswith("<svg"))
            self.assertIn("fs/btrfs", svg)  # text stays text
            with open(base + ".svg") as f:
                self.assertEqual(f.read(), svg)
            with open(base + ".png", "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
            with self.assertRaises(ValueError):
                charts.line_chart({"a": [1]}, ["x", "y"], "t", base)
        finally:
            shutil.rmtree(d)

    def test_fileset_discards_on_error(self):
        d = tempfile.mkdtemp(prefix="gfpscope-test.")
        try:
            with self.assertRaises(RuntimeError):
                with atomic.FileSet(d, last="b") as fs:
                    fs.text("a", "1")
                    raise RuntimeError
            self.assertEqual(os.listdir(d), [])
            with atomic.FileSet(d, last="b") as fs:
                fs.text("b", "2")
                fs.text("a", "1")
                self.assertEqual(fs.publish()[-1], os.path.join(d, "b"))
            self.assertEqual(sorted(os.listdir(d)), ["a", "b"])
        finally:
            shutil.rmtree(d)

    def test_publish_renames_main_file_last(self):
        d = tempfile.mkdtemp(prefix="gfpscope-test.")
        try:
            order = []
            real = atomic.FileSet._move
            with mock.patch.object(atomic.FileSet, "_move", lambda fs, n: (order.append(n), real(fs, n))):
                with atomic.FileSet(d, last="report.html") as fs:
                    for n in ("report.html", "x.csv", "y.md"):
                        fs.text(n, n)
                    fs.publish()
            self.assertEqual(order[-1], "report.html")
            self.assertEqual(order.count("report.html"), 1)
        finally:
            shutil.rmtree(d)

    def test_model_refuses_a_census_that_disagrees(self):
        site = {"file": "fs/a.c", "line": 1, "col": 0, "kind": "nofs", "subsystem": "fs/a", "maintainers": None,
                "parsed": True, "verdict": "keep", "reason": "no-scope", "call": "kmalloc"}
        census = {"tree": {"version": "6.12.0"}, "totals": {"sites": 2, "nofs": 2, "noio": 0, "convert": 0,
                                                            "keep": 2, "unparsed": 0},
                  "by_directory": [{"subsystem": "fs/a", "total": 2}]}
        with self.assertRaises(GfpError):
            report.build([site], census)
