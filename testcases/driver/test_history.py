"""gfpscope history and gfpscope diff on a small git repository, and on the 6.1/6.12 one."""
import json
import os
import shutil
import subprocess
import tarfile
import io
import unittest

from util import REPO, SMALL, CliCase
from gfpscope_lib.core import paths

CACHE = paths.data_home()
REAL_REPO = os.path.join(CACHE, "linux-history")
REAL_TREES = [os.path.join(CACHE, "linux-source-" + v) for v in ("6.1", "6.12")]
GET_MAINTAINER = os.path.join(REAL_TREES[1], "scripts", "get_maintainer.pl")


def git(repo, *args, **kw):
    return subprocess.run(["git", "-C", repo, *args], check=True, capture_output=True, text=True, **kw).stdout


def edit(path, old, new):
    with open(path) as f:
        text = f.read()
    assert old in text, (path, old)
    with open(path, "w") as f:
        f.write(text.replace(old, new, 1))


def make_repo(tmp):
    """Three commits of the small tree, tagged r1, r2, r3.

    r2: a site added (foofs_new), a site removed (blk.c's last kmalloc), a
        site converted to GFP_KERNEL (foofs_scoped's kmalloc), and every line
        of super.c moved down by a new comment.
    r3: drivers/blk/legacy.c renamed (same content: the same blob), which moves
        it out of MAINTAINERS' X: exclusion into BLK DRIVER; and, when the
        default tree is there, scripts/get_maintainer.pl added, so that the
        MAINTAINERS sections come from the script as in a real tree.
    """
    repo = os.path.join(tmp, "repo")
    shutil.copytree(SMALL, repo)
    git(repo, "init", "-q")
    git(repo, "config", "user.name", "t")
    git(repo, "config", "user.email", "t@localhost")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "r1")
    git(repo, "tag", "r1")
    sup = os.path.join(repo, "fs", "foofs", "super.c")
    edit(sup, "/* A filesystem", "/* moved down */\n/* A filesystem")
    edit(sup, "void *q = kmalloc(size, GFP_NOFS);", "void *q = kmalloc(size, GFP_KERNEL);")
    with open(sup, "a") as f:
        f.write("\nvoid *foofs_new(void)\n{\n\treturn kzalloc(16, GFP_NOFS);\n}\n")
    edit(os.path.join(repo, "drivers", "blk", "blk.c"), "return kmalloc(4, GFP_NOIO);", "return NULL;")
    git(repo, "commit", "-q", "-a", "-m", "r2")
    git(repo, "tag", "r2")
    git(repo, "mv", "drivers/blk/legacy.c", "drivers/blk/legacy2.c")
    if os.path.isfile(GET_MAINTAINER):
        os.makedirs(os.path.join(repo, "scripts"))
        shutil.copy(GET_MAINTAINER, os.path.join(repo, "scripts"))
        git(repo, "add", "scripts")
    git(repo, "commit", "-q", "-a", "-m", "r3")
    git(repo, "tag", "r3")
    return repo


def checkout(repo, rev, dest):
    """REV's files in DEST, by git archive (the test's own reference, not gfpscope's way)."""
    data = subprocess.run(["git", "-C", repo, "archive", rev], check=True, capture_output=True).stdout
    os.makedirs(dest)
    with tarfile.open(fileobj=io.BytesIO(data)) as tf:
        tf.extractall(dest)
    return dest


def counts(rows):
    return {r["subsystem"]: (r["nofs"], r["noio"], r["total"]) for r in rows}


class History(CliCase):
    def setUp(self):
        super().setUp()
        self.repo = make_repo(self.tmp)

    def history(self, *revs, out=None):
        r = self.gfpscope("history", "--kdir", self.repo, "--out", out or self.out, *revs)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r

    def test_counts_equal_a_scan_of_each_revision(self):
        self.history("r1", "r2", "r3")
        h = self.load("history.json")
        self.assertEqual([r["rev"] for r in h["revisions"]], ["r1", "r2", "r3"])
        for r in h["revisions"]:
            tree = checkout(self.repo, r["rev"], os.path.join(self.tmp, "co-" + r["rev"]))
            out = os.path.join(self.tmp, "scan-" + r["rev"])
            s = self.gfpscope("scan", "-q", "--kdir", tree, "--out", out)
            self.assertEqual(s.returncode, 0, s.stderr)
            with open(os.path.join(out, "census.json")) as f:
                c = json.load(f)
            t = c["totals"]
            self.assertEqual((r["totals"]["sites"], r["totals"]["nofs"], r["totals"]["noio"]),
                             (t["sites"], t["nofs"], t["noio"]), r["rev"])
            self.assertEqual(counts(r["by_directory"]), counts(c["by_directory"]), r["rev"])
            self.assertEqual(counts(r["by_maintainers"]), counts(c["by_maintainers"]), r["rev"])
            self.assertEqual(r["maintainers_from"], c["maintainers_from"], r["rev"])
        r1, r2, r3 = h["revisions"]
        self.assertEqual((r1["totals"]["sites"], r2["totals"]["sites"]), (12, 11))  # +1 new, -1 gone, -1 converted
        # the rename moved legacy.c's site from THE REST into BLK DRIVER
        blk3 = {x["subsystem"]: x["total"] for x in r3["by_maintainers"]}
        blk2 = {x["subsystem"]: x["total"] for x in r2["by_maintainers"]}
        self.assertEqual(blk3.get("BLK DRIVER", 0), blk2.get("BLK DRIVER", 0) + 1)

    def test_outputs(self):
        r = self.history("r1", "r3")
        for name in ("history.csv", "history.md", "history.json", "history.svg", "history.png"):
            self.assertTrue(os.path.getsize(os.path.join(self.out, name)) > 0, name)
        csv = self.load("history.csv").splitlines()
        self.assertEqual(csv[0], "revision,version,commit,grouping,subsystem,nofs,noio,total,convert,keep")
        self.assertTrue(any(l.startswith("r3,") and ",directory,fs/foofs," in l for l in csv))
        self.assertIn("| fs/foofs |", self.load("history.md"))
        self.assertIn("fs/foofs", r.stdout)
        # the chart is the same on every run
        with open(os.path.join(self.out, "history.svg"), "rb") as f:
            svg1 = f.read()
        out2 = os.path.join(self.tmp, "out2")
        self.history("r1", "r3", out=out2)
        with open(os.path.join(out2, "history.svg"), "rb") as f:
            self.assertEqual(f.read(), svg1)

    def test_each_revision_lexes_only_changed_blobs(self):
        r = self.history("r1", "r2", "r3")
        lines = [l.split(" (")[0] for l in r.stdout.splitlines() if l.startswith("r")]
        # r1: every .c/.h blob; r2: super.c and blk.c changed; r3: a pure rename, the same blob
        self.assertEqual(lines, ["r1: 12 sites; lexed 5 blobs, 0 from cache",
                                 "r2: 11 sites; lexed 2 blobs, 3 from cache",
                                 "r3: 11 sites; lexed 0 blobs, 5 from cache"])
        r = self.history("r2", "r1")
        self.assertIn("r2: 11 sites; lexed 0 blobs, 5 from cache", r.stdout)
        self.assertIn("r1: 12 sites; lexed 0 blobs, 5 from cache", r.stdout)

    def test_quiet_prints_only_the_last_line(self):
        r = self.gfpscope("history", "-q", "--kdir", self.repo, "--out", self.out, "r1", "r2", "r3")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "")
        self.assertEqual(r.stdout.splitlines(), [
            "history: 3 revisions (r1: 12 sites, r2: 11 sites, r3: 11 sites); lexed 7 blobs, 8 from cache (0 MB read)"])

    def test_range_of_tags(self):
        self.history("r1..r3")
        self.assertEqual([r["rev"] for r in self.load("history.json")["revisions"]], ["r1", "r2", "r3"])

    def test_verdicts_from_a_scan(self):
        tree = checkout(self.repo, "r1", os.path.join(self.tmp, "co"))
        scan_out = os.path.join(self.tmp, "scan")
        self.assertEqual(self.gfpscope("scan", "-q", "--kdir", tree, "--out", scan_out).returncode, 0)
        self.history("--scan", "r1=" + scan_out, "r1", "r2")
        h = self.load("history.json")
        with open(os.path.join(scan_out, "census.json")) as f:
            c = json.load(f)
        t1 = h["revisions"][0]["totals"]
        self.assertEqual((t1["convert"], t1["keep"]), (c["totals"]["convert"], c["totals"]["keep"]))
        self.assertNotIn("convert", h["revisions"][1]["totals"])
        # a scan of another revision is refused
        r = self.gfpscope("history", "--kdir", self.repo, "--out", self.out, "--scan", "r2=" + scan_out, "r2")
        self.assertEqual(r.returncode, 2)
        self.assertIn("is not a scan of r2", r.stderr)

    def test_analyse(self):
        """--analyse: the whole scan of each revision, from git archive, gives its verdicts."""
        self.history("--analyse", "r3")
        r = self.load("history.json")["revisions"][0]
        with open(os.path.join(self.out, "scans", "r3", "census.json")) as f:
            c = json.load(f)
        self.assertEqual((r["totals"]["convert"], r["totals"]["keep"]), (c["totals"]["convert"], c["totals"]["keep"]))
        self.assertEqual(r["totals"]["sites"], c["totals"]["sites"])

    def test_diff(self):
        r = self.gfpscope("diff", "--kdir", self.repo, "--out", self.out, "r1", "r3")
        self.assertEqual(r.returncode, 0, r.stderr)
        d = self.load("diff.json")
        self.assertEqual(d["totals"], {"unchanged": 9, "appeared": 1, "disappeared": 1, "converted": 1,
                                       "changed": 0, "moved": 1})
        self.assertEqual([(s["file"], s["function"], s["flags"]) for s in d["appeared"]],
                         [("fs/foofs/super.c", "foofs_new", "GFP_NOFS")])
        self.assertEqual([(s["file"], s["function"], s["flags"]) for s in d["disappeared"]],
                         [("drivers/blk/blk.c", "blk_unparsable", "GFP_NOIO")])
        conv = d["converted"][0]
        self.assertEqual((conv["from"]["file"], conv["from"]["function"], conv["from"]["call"]),
                         ("fs/foofs/super.c", "foofs_scoped", "kmalloc"))
        self.assertEqual((conv["to"]["flags"], conv["to"]["line"]), ("GFP_KERNEL", conv["from"]["line"] + 1))
        mv = d["moved"][0]
        self.assertEqual((mv["from"]["file"], mv["to"]["file"]), ("drivers/blk/legacy.c", "drivers/blk/legacy2.c"))
        self.assertIn("## Converted (1)", self.load("diff.md"))
        self.assertIn("1 appeared, 1 disappeared, 1 converted", r.stdout)
        # a site removed with a GFP_KERNEL already beside it is not "converted"
        r = self.gfpscope("diff", "--kdir", self.repo, "--out", self.out, "r2", "r1")
        d = self.load("diff.json")
        self.assertEqual((d["totals"]["appeared"], d["totals"]["disappeared"], d["totals"]["converted"]), (2, 1, 0))


class HistoryBadInput(CliCase):
    """Each row of the README's robustness table for history and diff."""
    CASES = [
        # (name, command, kdir kind, revs, expected stderr ending)
        ("no_such_revision", "history", "repo", ["r1", "nope"], "nope: no such revision in {repo}"),
        ("diff_no_such_revision", "diff", "repo", ["nope", "r1"], "nope: no such revision in {repo}"),
        ("not_a_repo", "history", "plain", ["r1"], "{plain}: not a git repository"),
        ("no_such_dir", "history", "missing", ["r1"], "{missing}: no such directory"),
        ("bad_scan_spec", "history", "repo", ["--scan", "r1", "r1"], "--scan r1: give REV=DIR"),
    ]

    def test_table(self):
        repo = make_repo(self.tmp)
        plain = os.path.join(self.tmp, "plain")
        os.makedirs(plain)
        missing = os.path.join(self.tmp, "missing")
        paths = {"repo": repo, "plain": plain, "missing": missing}
        for name, cmd, kind, revs, want in self.CASES:
            with self.subTest(name):
                r = self.gfpscope(cmd, "--kdir", paths[kind], "--out", self.out, *revs)
                self.assertEqual(r.returncode, 2, r.stderr)
                line = r.stderr.strip().splitlines()
                self.assertEqual(len(line), 1, r.stderr)
                self.assertTrue(line[0].startswith("gfpscope: " + want.format(**paths)), line[0])

    def test_shallow_clone_says_so(self):
        """A revision beyond a shallow clone's depth: 'no such revision', and that the clone is
        shallow (a full repository says only the first)."""
        repo = make_repo(self.tmp)
        shallow = os.path.join(self.tmp, "shallow")
        subprocess.run(["git", "clone", "-q", "--depth", "1", "file://" + repo, shallow], check=True,
                       capture_output=True)
        r = self.gfpscope("history", "--kdir", shallow, "--out", self.out, "HEAD~1", "HEAD")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertEqual(r.stderr.strip(), f"gfpscope: HEAD~1: no such revision in {shallow} ({shallow} is a "
                         "shallow clone, whose history stops at its depth: git fetch --unshallow, or --deepen=N, "
                         "fetches the rest)")
        r = self.gfpscope("history", "--kdir", repo, "--out", self.out, "nope")
        self.assertEqual(r.stderr.strip(), f"gfpscope: nope: no such revision in {repo}")

    def test_git_missing(self):
        repo = make_repo(self.tmp)
        empty = os.path.join(self.tmp, "emptybin")
        os.makedirs(empty)
        r = self.gfpscope("history", "--kdir", repo, "--out", self.out, "r1", env=dict(self.env, PATH=empty))
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertEqual(r.stderr.strip(),
                         "gfpscope: git is not installed: it is needed to read the repository (apt-get install git)")


@unittest.skipUnless(all(os.path.isfile(os.path.join(t, "Makefile")) for t in REAL_TREES),
                     "the 6.1 and 6.12 trees are not unpacked (make tree-6.1 tree-6.12)")
class RealHistory(CliCase):
    """History over the 6.1/6.12 repository equals both committed censuses, per subsystem."""

    def test_counts_equal_committed_census(self):
        if not os.path.isfile(os.path.join(REAL_REPO, "HEAD")):
            r = subprocess.run(["/usr/bin/python3", os.path.join(REPO, "scripts", "setup.py"), "history-repo", CACHE],
                               capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
        r = self.gfpscope("history", "-q", "--kdir", REAL_REPO, "--out", self.out,
                          "--scan", "v6.1.192=" + os.path.join(REPO, "reports", "linux-6.1"),
                          "--scan", "v6.12.117=" + os.path.join(REPO, "reports", "linux-6.12"),
                          "v6.1.192", "v6.12.117")
        self.assertEqual(r.returncode, 0, r.stderr)
        h = self.load("history.json")
        for rev, v in zip(h["revisions"], ("6.1", "6.12")):
            with open(os.path.join(REPO, "reports", "linux-" + v, "census.json")) as f:
                c = json.load(f)
            t = c["totals"]
            self.assertEqual({k: rev["totals"][k] for k in ("sites", "nofs", "noio", "convert", "keep")},
                             {k: t[k] for k in ("sites", "nofs", "noio", "convert", "keep")}, v)
            for key in ("by_directory", "by_maintainers"):
                full = lambda rows: {x["subsystem"]: (x["nofs"], x["noio"], x["total"], x["convert"], x["keep"])
                                     for x in rows}  # noqa: E731
                self.assertEqual(full(rev[key]), full(c[key]), f"{v} {key}")
        r = self.gfpscope("diff", "-q", "--kdir", REAL_REPO, "--out", self.out, "v6.1.192", "v6.12.117")
        self.assertEqual(r.returncode, 0, r.stderr)
        t = self.load("diff.json")["totals"]
        self.assertEqual(t["unchanged"] + t["moved"] + t["changed"] + t["converted"] + t["disappeared"], 1723)
        self.assertEqual(t["unchanged"] + t["moved"] + t["changed"] + t["appeared"], 1674)


if __name__ == "__main__":
    unittest.main()
