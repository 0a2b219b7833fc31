"""gfpscope series: per-subsystem patch series, proven by git am and checkpatch, on small and real trees.

The small tree is testcases/trees/series/ made into a git repository with a little
history, plus the real kernel's checkpatch.pl and get_maintainer.pl (copied from the
default tree, which `make setup` unpacks). The real-tree test runs on the one-commit
repository of linux-source-6.12 that `make git-6.12` makes.
"""
import glob
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from util import PY, REPO, CliCase, ScannedTree, tree_state
from gfpscope_lib.core import paths

from gfpscope_lib.emit import seriesplan, seriestree

SERIES_TREE = os.path.join(REPO, "testcases", "trees", "series")
CACHE = paths.data_home()
REF = os.environ.get("GFPSCOPE_TEST_KDIR") or os.path.join(CACHE, "linux-source-6.12")
KERNEL_SCRIPTS = ["checkpatch.pl", "spelling.txt", "const_structs.checkpatch", "get_maintainer.pl"]
AUTHOR = ("Test Author", "test@example.org")


def have_kernel_scripts():
    return all(os.path.isfile(os.path.join(REF, "scripts", f)) for f in KERNEL_SCRIPTS)


def git_env(tmp, name=AUTHOR[0], email=AUTHOR[1]):
    """A git identity of the test's own: no global or system config leaks in."""
    cfg = os.path.join(tmp, "gitconfig")
    with open(cfg, "w") as f:
        if name:
            f.write(f"[user]\n\tname = {name}\n\temail = {email}\n")
        f.write("[init]\n\tdefaultBranch = master\n[advice]\n\tdetachedHead = false\n")
    return {"GIT_CONFIG_GLOBAL": cfg, "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_DATE": "2024-05-01T12:00:00Z", "GIT_COMMITTER_DATE": "2024-05-01T12:00:00Z"}


def run_git(cwd, *args, env):
    r = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=env)
    if r.returncode:
        raise AssertionError(f"git {' '.join(args)}: {r.stderr}")
    return r.stdout


def make_tree(dst, env, git=True):
    """The series tree with the kernel's scripts; as a git repository, with history for the prefix."""
    shutil.copytree(SERIES_TREE, dst)
    os.makedirs(os.path.join(dst, "scripts"))
    for f in KERNEL_SCRIPTS:
        shutil.copy2(os.path.join(REF, "scripts", f), os.path.join(dst, "scripts", f))
    if not git:
        return dst
    qux = os.path.join(dst, "drivers", "block", "quxblk.c")
    with open(qux) as f:
        final = f.read()
    run_git(dst, "init", "-q", env=env)
    # two earlier commits to quxblk.c under its usual prefix, which is not its directory's
    with open(qux, "w") as f:
        f.write(final.replace("/* A block driver: GFP_NOIO inside a memalloc_noio scope. */\n", ""))
    run_git(dst, "add", "-A", env=env)
    run_git(dst, "commit", "-q", "-m", "Initial tree", env=env)
    with open(qux, "w") as f:
        f.write(final.replace("/* A block driver", "/* A block drive"))
    run_git(dst, "commit", "-q", "-am", "block/quxblk: describe the driver", env=env)
    with open(qux, "w") as f:
        f.write(final)
    run_git(dst, "commit", "-q", "-am", "block/quxblk: fix a typo in the description", env=env)
    return dst


def repo_state(path, env):
    """Everything about a repository a series must not change: files, status, HEAD, index."""
    with open(os.path.join(path, ".git", "index"), "rb") as f:
        index = f.read()
    return (tree_state_no_git(path), run_git(path, "status", "--porcelain", env=env),
            run_git(path, "rev-parse", "HEAD", env=env), index,
            run_git(path, "worktree", "list", "--porcelain", env=env))


def tree_state_no_git(path):
    # the work tree only: git's own objects may gain scratch objects
    tmp = tempfile.mkdtemp()
    try:
        dst = os.path.join(tmp, "t")
        shutil.copytree(path, dst, ignore=shutil.ignore_patterns(".git"), symlinks=True)
        return tree_state(dst)
    finally:
        shutil.rmtree(tmp)


def patches_of(d):
    return sorted(glob.glob(os.path.join(d, "*.patch")))


def header(text, name):
    m = re.search(rf"^{name}: (.*(?:\n[ \t].*)*)", text, re.M)
    return re.sub(r"\n[ \t]+", " ", m.group(1)) if m else None


@unittest.skipUnless(have_kernel_scripts(), f"no kernel scripts in {REF} (make setup unpacks the default tree)")
class SeriesSmallTree(ScannedTree):
    SCAN_ARGS = ("-q",)

    @classmethod
    def build_tree(cls, ws):
        cls.genv = git_env(ws.tmp)
        ws.env.update(cls.genv)
        return make_tree(os.path.join(ws.tmp, "tree"), ws.env)

    @classmethod
    def after_scan(cls):
        assert cls.scan.returncode == 0, cls.scan.stderr
        cls.before = repo_state(cls.tree, cls.shared.env)
        cls.r = cls.shared.gfpscope("series", "--kdir", cls.tree, "--out", cls.shared.out)
        cls.series = os.path.join(cls.shared.out, "series")

    def setUp(self):
        super().setUp()
        self.env.update(self.genv)

    def fresh_out(self):
        os.makedirs(self.out)
        shutil.copy(os.path.join(self.shared.out, "sites.json"), self.out)
        return self.out

    def read(self, sub, pattern):
        [p] = [p for p in patches_of(os.path.join(self.series, sub)) if re.search(pattern, os.path.basename(p))]
        with open(p) as f:
            return f.read()

    def subjects(self, d):
        out = []
        for p in patches_of(d):
            with open(p) as f:
                out.append(header(f.read(), "Subject"))
        return out

    # ---- the default series

    def test_one_series_per_maintainers_entry(self):
        self.assertEqual(self.r.returncode, 0, self.r.stderr)
        self.assertEqual(sorted(os.listdir(self.series)), ["barfs-file-system", "quxblk-block-driver"])
        self.assertIn("barfs-file-system: 2 patches + cover letter, 6 sites, 2 left out", self.r.stdout)

    def test_split_by_justification_with_subjects(self):
        self.assertEqual(self.subjects(os.path.join(self.series, "barfs-file-system")), [
            "[PATCH 0/2] barfs: use GFP_KERNEL where a memalloc scope already covers GFP_NOFS",
            "[PATCH 1/2] barfs: use GFP_KERNEL inside memalloc_nofs_save() scopes",
            # one function: the subject names it, never "scopes" for one site
            "[PATCH 2/2] barfs: use GFP_KERNEL in barfs_alloc_log()"])

    def test_prefix_learnt_from_git_log(self):
        # its directory would say "quxblk: "; its history says "block/quxblk: "
        self.assertEqual(self.subjects(os.path.join(self.series, "quxblk-block-driver")), [
            "[PATCH 0/1] block/quxblk: use GFP_KERNEL where a memalloc scope already covers GFP_NOIO",
            "[PATCH 1/1] block/quxblk: use GFP_KERNEL instead of GFP_NOIO in quxblk_setup()"])

    def test_subjects_fit_and_are_imperative(self):
        for d in os.listdir(self.series):
            for p in patches_of(os.path.join(self.series, d))[1:]:
                with open(p) as f:
                    subj = re.sub(r"^\[PATCH [^]]*\] ", "", header(f.read(), "Subject"))
                self.assertLessEqual(len(subj), 75, subj)
                self.assertRegex(subj, r"^[\w/-]+: use ")

    def test_commit_message_names_scopes_without_line_numbers(self):
        text = self.read("barfs-file-system", "^0002")
        body, notes = text.split("\n\n", 1)[1].split("\n---\n")[:2]
        self.assertIn("barfs_mount() [memalloc_nofs_save()] -> barfs_alloc_log()", body)
        self.assertNotRegex(body, r"\bline \d+|:\d+\b")
        self.assertIn("The other flags stay as they are.", body)
        lines = body.splitlines()
        self.assertEqual(lines[-1], "Signed-off-by: Test Author <test@example.org>")
        self.assertTrue(all(len(l) <= 75 for l in text.splitlines() if not l.startswith(("+", "-", " "))),
                        [l for l in text.splitlines() if len(l) > 75])
        # the review notes and the tool go below "---", where git am leaves them out of the log
        self.assertNotIn("Generated by", body)
        self.assertNotIn("To review", body)
        self.assertIn("To review, check that the callers named are all there are", notes)
        self.assertIn("Generated by: gfpscope caller-scope analysis", notes)
        one = self.read("barfs-file-system", "^0001")
        self.assertIn("Generated by: gfpscope cocci/gfp_scope_redundant.cocci", one.split("\n---\n")[1])
        self.assertIn("  - barfs_pair() [memalloc_nofs_save()]", one)
        self.assertIn("  - barfs_read_inode() [memalloc_nofs_save()]", one)

    def test_commit_message_names_every_caller(self):
        # barfs_alloc_log() has two callers, each in its own scope: both are named, and the
        # message does not say it has no other
        body = self.read("barfs-file-system", "^0002").split("\n\n", 1)[1].split("\n---\n")[0]
        flat = re.sub(r"\s+", " ", body)
        self.assertIn("barfs_alloc_log() has 2 callers: it is also called from barfs_remount().", flat)
        self.assertIn("every one of these calls is made inside a NOFS scope too", flat)
        self.assertNotIn("no other caller", flat)
        self.assertNotIn("no caller other", flat)

    def test_recipients_from_get_maintainer(self):
        text = self.read("barfs-file-system", "^0001")
        self.assertEqual(header(text, "From"), "Test Author <test@example.org>")
        self.assertEqual(header(text, "To"), "Bar Maintainer <bar@example.org>, Bar Reviewer <bar-review@example.org>")
        self.assertEqual(header(text, "Cc"), "linux-barfs@example.org, linux-kernel@example.org")
        cover = self.read("barfs-file-system", "^0000")
        self.assertEqual(header(cover, "To"), header(text, "To"))

    def test_cover_letter(self):
        cover = self.read("barfs-file-system", "^0000")
        self.assertIn("  flag      before  after\n  GFP_NOFS       9      3", cover)
        self.assertIn("  1. local-scope, 5 sites in barfs_read_inode(), barfs_read_xattr(),\n"
                      "     barfs_pair() and barfs_mount()", cover)
        self.assertIn("  - no-scope (1): no scope in the function, and a caller holds none", cover)
        # proven, but checkpatch would reject the converted line: named, with why
        self.assertIn("barfs_fill_inode() in fs/barfs/inode.c: the converted line would be\n"
                      "    101 columns, over checkpatch's 100", cover)
        # and the other allocation of that function goes with it
        self.assertIn("barfs_fill_inode() in fs/barfs/inode.c: its kmalloc_array() call is\n"
                      "    left out, and barfs_fill_inode() is converted whole or not at all", cover)
        # a CHECK the line had before the series is not the series' doing: converted, and named
        self.assertIn("barfs_read_xattr() in fs/barfs/inode.c: CHECK: spaces preferred\n"
                      "    around that '|'", cover)
        self.assertNotIn("barfs_read_xattr() in fs/barfs/inode.c: checkpatch", cover)
        self.assertIn("fstests", cover)
        self.assertIn("CONFIG_PROVE_LOCKING=y (lockdep)", cover)
        self.assertRegex(cover, r"\nbase-commit: [0-9a-f]{40}\n")
        self.assertNotIn("***", cover)

    def test_git_am_on_base_and_checkpatch_clean(self):
        wt = os.path.join(self.tmp, "wt")
        run_git(self.tree, "worktree", "add", "-q", "--detach", wt, "HEAD", env=self.env)
        try:
            for d in sorted(os.listdir(self.series)):
                ps = patches_of(os.path.join(self.series, d))
                run_git(wt, "am", "-q", *ps[1:], env=self.env)
                for p in ps:  # the cover letter too
                    r = subprocess.run(["perl", "scripts/checkpatch.pl", "--strict", "--no-tree", p], cwd=self.tree,
                                       capture_output=True, text=True)
                    self.assertIn("total: 0 errors, 0 warnings, ", r.stdout)
                    with open(p) as f:
                        notes = (f.read().split("\n---\n") + [""])[1]
                    # a CHECK only where the line had it before, and then said below "---"
                    for m in re.findall(r"^CHECK: (.*)", r.stdout, re.M):
                        self.assertIn(m, re.sub(r"\s+", " ", notes), p)
                    self.assertEqual(len(re.findall(r"^CHECK:", r.stdout, re.M)),
                                     1 if "barfs-file-system/0001" in p else 0, r.stdout)
            with open(os.path.join(wt, "fs/barfs/super.c")) as f:
                text = f.read()
            self.assertIn("krealloc(kmalloc(8, GFP_KERNEL), 16, GFP_KERNEL)", text)
            self.assertIn("return kmalloc(size, GFP_KERNEL | __GFP_NOFAIL);", text)
            self.assertIn("return kmalloc(size, GFP_NOFS);", text)  # barfs_unscoped: keep
            with open(os.path.join(wt, "fs/barfs/inode.c")) as f:
                text = f.read()
            self.assertIn("kmalloc(size, GFP_KERNEL|__GFP_NOWARN)", text)
            # barfs_fill_inode() is left whole: neither of its allocations converted
            self.assertIn("kmalloc_array(count, size + 16, GFP_NOFS);", text)
            self.assertIn("info->small = kmalloc(size, GFP_NOFS);", text)
            log = run_git(wt, "log", "--format=%an <%ae>|%s", "-4", env=self.env).splitlines()
            self.assertEqual(log[0].split("|")[0], "Test Author <test@example.org>")
            # the permanent log holds no review notes and no tool reference
            full = run_git(wt, "log", "--format=%B", "-3", env=self.env)
            self.assertNotIn("Generated by", full)
            self.assertNotIn("To review", full)
            self.assertIn("barfs_alloc_log() has 2 callers", re.sub(r"\s+", " ", full))
        finally:
            run_git(self.tree, "worktree", "remove", "--force", wt, env=self.env)

    def test_tree_untouched(self):
        self.assertEqual(repo_state(self.tree, self.env), self.before)

    # ---- options

    def test_split_file_and_function(self):
        out = self.fresh_out()
        r = self.gfpscope("series", "--kdir", self.tree, "--out", out, "--split", "file", "--subsystem", "barfs")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.subjects(os.path.join(out, "series", "barfs-file-system"))[1:], [
            "[PATCH 1/2] barfs: use GFP_KERNEL in inode.c inside memalloc_nofs_save() scopes",
            "[PATCH 2/2] barfs: use GFP_KERNEL in super.c"])
        r = self.gfpscope("series", "--kdir", self.tree, "--out", out, "--split", "function",
                          "--subsystem", "BARFS FILE SYSTEM")
        self.assertEqual(r.returncode, 0, r.stderr)
        subjects = self.subjects(os.path.join(out, "series", "barfs-file-system"))[1:]
        self.assertEqual(len(subjects), 5)
        for fn in ("barfs_read_inode()", "barfs_read_xattr()", "barfs_alloc_log()", "barfs_mount()",
                   "barfs_pair()"):
            self.assertEqual(sum(fn in s for s in subjects), 1, (fn, subjects))
        self.assertEqual(sorted(os.listdir(os.path.join(out, "series"))), ["barfs-file-system"])

    def test_branch_per_series_in_a_separate_worktree(self):
        tree = make_tree(os.path.join(self.tmp, "tree"), self.env)
        out = self.fresh_out()
        before = repo_state(tree, self.env)
        r = self.gfpscope("series", "--kdir", tree, "--out", out, "--branch", "gfpscope")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("branch gfpscope/barfs-file-system", r.stdout)
        self.assertEqual(repo_state(tree, self.env), before)
        log = run_git(tree, "log", "--format=%s", "master..gfpscope/barfs-file-system", env=self.env)
        self.assertEqual(log.splitlines(), ["barfs: use GFP_KERNEL in barfs_alloc_log()",
                                            "barfs: use GFP_KERNEL inside memalloc_nofs_save() scopes"])
        desc = run_git(tree, "config", "branch.gfpscope/quxblk-block-driver.description", env=self.env)
        self.assertTrue(desc.startswith("block/quxblk: use GFP_KERNEL where a memalloc scope"), desc)
        # a second run refuses to overwrite the branches
        r = self.gfpscope("series", "--kdir", tree, "--out", out, "--branch", "gfpscope")
        self.assertEqual(r.returncode, 2)
        self.assertRegex(r.stderr, r"branch gfpscope/\S+ already exists")

    def test_plain_tree_is_checked_with_git_am_in_sequence(self):
        tree = make_tree(os.path.join(self.tmp, "plain"), self.env, git=False)
        out = self.fresh_out()
        before = tree_state(tree)
        r = self.gfpscope("series", "--kdir", tree, "--out", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(tree_state(tree), before)
        self.assertEqual(self.subjects(os.path.join(out, "series", "quxblk-block-driver"))[1],
                         "[PATCH 1/1] quxblk: use GFP_KERNEL instead of GFP_NOIO in quxblk_setup()")
        with open(patches_of(os.path.join(out, "series", "barfs-file-system"))[0]) as f:
            self.assertNotIn("base-commit:", f.read())  # a scratch base means nothing to a maintainer
        a = subprocess.run(["git", "apply", "--check"] + patches_of(os.path.join(out, "series", "barfs-file-system"))[1:],
                           cwd=tree, capture_output=True, text=True,
                           env=dict(self.env, GIT_CEILING_DIRECTORIES=self.tmp))
        self.assertEqual(a.returncode, 0, a.stderr)

    # ---- bad input: each row of the README's table

    def test_bad_input(self):
        noid = dict(self.env, GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
        plain = make_tree(os.path.join(self.tmp, "plain"), self.env, git=False)
        cases = [
            ("unset identity", ["--kdir", self.tree], noid,
             "gfpscope: git user.name and user.email are not set, and Signed-off-by needs them"),
            ("bad --base", ["--kdir", self.tree, "--base", "no-such-rev"], None,
             "gfpscope: --base no-such-rev: not a commit in"),
            ("--branch on a plain tree", ["--kdir", plain, "--branch", "x"], None,
             "is not a git repository: --branch needs one"),
            ("no scan yet", ["--kdir", self.tree, "--out", os.path.join(self.tmp, "empty")], None,
             "sites.json not found: run gfpscope scan"),
            ("bad --subsystem", ["--kdir", self.tree, "--subsystem", "nosuchfs"], None,
             "--subsystem nosuchfs: no convert verdict there"),
        ]
        for name, args, env, msg in cases:
            with self.subTest(name):
                out = os.path.join(self.tmp, "o-" + name.replace(" ", "-"))
                os.makedirs(out)
                shutil.copy(os.path.join(self.shared.out, "sites.json"), out)
                if "--out" not in args:
                    args = args + ["--out", out]
                r = self.gfpscope("series", *args, env=env)
                self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
                self.assertIn(msg, r.stderr)
                self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
                self.assertFalse(os.path.exists(os.path.join(out, "series")))

    def test_series_that_does_not_apply_is_not_written(self):
        # the tree changed since the scan: the base holds another quxblk.c
        tree = make_tree(os.path.join(self.tmp, "tree"), self.env)
        out = self.fresh_out()
        qux = os.path.join(tree, "drivers", "block", "quxblk.c")
        with open(qux) as f:
            text = f.read()
        with open(qux, "w") as f:
            f.write("/* moved */\n" + text)
        run_git(tree, "commit", "-q", "-am", "block/quxblk: move things", env=self.env)
        r = self.gfpscope("series", "--kdir", tree, "--out", out)
        self.assertEqual(r.returncode, 2)
        self.assertIn("quxblk-block-driver: series not written: drivers/block/quxblk.c: the tree "
                      "changed since the scan", r.stderr)
        self.assertEqual(os.listdir(os.path.join(out, "series")), ["barfs-file-system"])
        # uncommitted, or an older --base: the base is not what was scanned
        run_git(tree, "reset", "-q", "--hard", "HEAD~1", env=self.env)
        shutil.rmtree(os.path.join(out, "series"))
        r = self.gfpscope("series", "--kdir", tree, "--out", out, "--base", "HEAD~1")
        self.assertEqual(r.returncode, 2)
        self.assertIn("drivers/block/quxblk.c differs between the base revision and the scanned tree", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(out, "series", "quxblk-block-driver")))


class SeriesUnits(unittest.TestCase):
    """Grouping and words, without a tree."""

    def test_chain_callers_of_a_static_function_are_its_own_files(self):
        # ocfs2's static sc_alloc() and hfi1's global one: the commit message named hfi1's
        # callers as callers the proof covered
        from gfpscope_lib.core.tree import KernelTree
        with tempfile.TemporaryDirectory() as d:
            files = {"Makefile": "VERSION = 6\nPATCHLEVEL = 12\n",
                     "fs/a/a.c": "static void *fill(int n)\n{\n\treturn 0;\n}\n"
                                 "void *a_user(int n)\n{\n\treturn fill(n);\n}\n"
                                 "void *a_other(int n)\n{\n\treturn fill(n);\n}\n",
                     "fs/a/a.h": "#define A_FILL(n) fill(n)\n",
                     "drivers/b/b.c": "void *fill(int n)\n{\n\treturn 0;\n}\n",
                     "drivers/b/c.c": "void *fill(int n);\nvoid *b_user(int n)\n{\n\treturn fill(n);\n}\n"}
            for rel, text in files.items():
                os.makedirs(os.path.dirname(os.path.join(d, rel)), exist_ok=True)
                with open(os.path.join(d, rel), "w") as f:
                    f.write(text)
            site = {"file": "fs/a/a.c", "function": "fill",
                    "proof": {"chain": [{"caller": "a_user", "callee": "fill", "file": "fs/a/a.c", "line": 7, "col": 8}],
                              "files": {r: "x" for r in files if r.endswith((".c", ".h"))}}}
            got = seriestree.chain_callers(KernelTree(d), [site])
            self.assertEqual(got, {"fill": ["A_FILL", "a_other", "a_user"]})

    def test_large_patches_are_split(self):
        def site(f, fn, i):
            return {"file": f, "line": i + 1, "col": 0, "function": fn, "kind": "nofs", "flags": "GFP_NOFS",
                    "reason": "local-scope", "confidence": "high", "evidence": [f"{fn} (memalloc_nofs_save() at line 1)"]}
        sites = [site("fs/x/a.c", "big", i) for i in range(40)]
        sites += [site(f"fs/x/f{j}.c", f"fn{j}", i) for j in range(8) for i in range(2)]
        patches = seriesplan.group(sites)
        self.assertTrue(all(len(p["sites"]) <= seriesplan.MAX_SITES for p in patches))
        self.assertEqual(sum(len(p["sites"]) for p in patches), 56)
        from gfpscope_lib.emit.subjects import subject
        subjects = [subject("x: ", p) for p in patches]
        self.assertEqual(len(set(subjects)), len(subjects), subjects)
        self.assertIn("x: use GFP_KERNEL in big() inside memalloc_nofs_save() scopes (1/3)", subjects)
        self.assertIn("x: use GFP_KERNEL in f7.c inside memalloc_nofs_save() scopes", subjects)

    def test_prefix_rules(self):
        from gfpscope_lib.emit import commitmsg, subjects
        self.assertEqual(subjects.dir_prefix(["fs/xfs/xfs_buf.c", "fs/xfs/libxfs/xfs_da_btree.c"]), "xfs: ")
        self.assertEqual(subjects.dir_prefix(["drivers/block/xen-blkfront.c"]), "xen-blkfront: ")
        self.assertEqual(subjects.dir_prefix(["fs/bcachefs/compress.c"]), "bcachefs: ")
        self.assertEqual(subjects.dir_prefix(["drivers/md/bcache/super.c"]), "bcache: ")
        self.assertEqual(subjects.dir_prefix(["mm/vmalloc.c"]), "mm: ")
        self.assertEqual(subjects.learn_prefix(["btrfs: fix x", "Merge tag 'y'", "btrfs: scrub: z",
                                                "Revert \"btrfs: q\"", "treewide: w", "treewide: v"]), "btrfs: ")
        self.assertIsNone(subjects.learn_prefix(["Linux 6.12.117"]))
        self.assertEqual(commitmsg.condense("a <- b <- c (memalloc_nofs_save() at line 30)"),
                         "c() [memalloc_nofs_save()] -> b() -> a()")

    def test_any_reason_gets_words(self):
        from gfpscope_lib.emit import commitmsg
        for reason, subj, gen in [
                ("transaction", "x: use GFP_KERNEL in transaction contexts", "transaction analysis"),
                ("new-proof", "x: use GFP_KERNEL where new-proof proves a NOFS scope", "new-proof analysis")]:
            p = {"sites": [{"file": "fs/x/a.c", "line": 3 + i, "col": 4, "function": fn, "kind": "nofs",
                            "flags": "GFP_NOFS", "reason": reason, "confidence": "high",
                            "evidence": [f"{fn} <- x_trans (x_trans_alloc() at line 9)"]}
                           for i, fn in enumerate(("x_fn", "x_other"))],
                 "where": None, "part": None}
            msg = commitmsg.commit_message("x: ", p, AUTHOR)
            self.assertEqual(msg.splitlines()[0], subj)
            self.assertIn("  - x_trans() [x_trans_alloc()] -> x_fn()", msg)
            log, notes = msg.split("\n---\n")
            self.assertIn("Generated by: gfpscope " + gen, notes)
            self.assertNotIn("Generated by", log)
            self.assertNotRegex(msg, r"line \d")
            self.assertTrue(log.endswith("\n\nSigned-off-by: Test Author <test@example.org>"))
            # one function: the subject names it
            one = dict(p, sites=p["sites"][:1])
            self.assertEqual(commitmsg.commit_message("x: ", one, AUTHOR).splitlines()[0],
                             "x: use GFP_KERNEL in x_fn()")

    def test_provider_words(self):
        """A lock helper that opens a scope is a lock held, not a transaction; a transaction
        start is a transaction; every caller of the function is named."""
        from gfpscope_lib.emit import commitmsg, msgwords

        def patch(fn, opener, how):
            return {"sites": [{"file": "fs/x/a.c", "line": 3, "col": 4, "function": fn, "kind": "nofs",
                               "flags": "GFP_NOFS", "reason": "transaction", "confidence": "high",
                               "evidence": [f"{fn} <- x_call (" + opener + "(): " + how + ")"],
                               "proof": {"chain": [{"caller": "x_call", "callee": fn}],
                                         "scope": {"opener": opener}}}],
                    "where": None, "part": None}
        words = {"callers": {"x_send": ["x_call", "x_compound"]},
                 "starts": {"x_server_lock": {"how": "server->nofs_flag", "via": []},
                            "x_trans_alloc": {"how": "tp->t_pflags", "via": ["x_trans_set_context"]}}}
        lock = commitmsg.commit_message("x: ", patch("x_send", "x_server_lock", "server->nofs_flag"),
                                        AUTHOR, words)
        log = re.sub(r"\s+", " ", lock.split("\n---\n")[0])
        self.assertIn("The allocation runs with x_server_lock() held.", log)
        self.assertIn("keeps its cookie in server->nofs_flag", log)
        self.assertNotIn("transaction", log)
        self.assertIn("x_send() has 2 callers: it is also called from x_compound().", log)
        self.assertIn("  - x_call() [x_server_lock()] -> x_send()", lock)
        tx = commitmsg.commit_message("x: ", patch("x_add", "x_trans_alloc", "tp->t_pflags"), AUTHOR, words)
        log = re.sub(r"\s+", " ", tx.split("\n---\n")[0])
        self.assertIn("runs inside a transaction that x_trans_alloc() started", log)
        self.assertIn("through x_trans_set_context()", log)
        self.assertIn("x_add() has no caller other than the one shown.", log)
        self.assertEqual(msgwords.provider_kind("cifs_server_lock"), "lock")
        self.assertEqual(msgwords.provider_kind("ext4_writepages_down_read"), "lock")
        self.assertEqual(msgwords.provider_kind("xfs_trans_alloc_inode"), "transaction")
        self.assertEqual(msgwords.provider_kind("jbd2__journal_start"), "transaction")

    def test_checkpatch_judges_only_the_changed_lines(self):
        """The patch with its changed lines put back as they were: what checkpatch reports on
        it was there before the patch."""
        text = ("Subject: x\n\n---\ndiff --git a/f.c b/f.c\n--- a/f.c\n+++ b/f.c\n@@ -1,3 +1,3 @@\n"
                " ctx\n-\ta = kzalloc(sizeof(struct s), GFP_NOFS);\n-\tb = f(GFP_NOFS);\n"
                "+\ta = kzalloc(sizeof(struct s), GFP_KERNEL);\n+\tb = f(GFP_KERNEL);\n ctx\n")
        from gfpscope_lib.emit import checkpatch
        before = checkpatch._as_before(text)
        self.assertIn("+\ta = kzalloc(sizeof(struct s), GFP_NOFS);\n+\tb = f(GFP_NOFS);\n ctx", before)
        self.assertNotIn("GFP_KERNEL", before)
        # a function is converted whole or not at all
        def site(fn, line, call):
            return {"file": "f.c", "line": line, "col": 4, "function": fn, "call": call, "kind": "nofs"}
        sites = [site("a", 1, "kzalloc"), site("a", 2, "alloc_page"), site("b", 3, "kmalloc")]
        out = seriesplan.keep_functions_whole(sites, [(sites[0], "too long")])
        self.assertEqual([(s["line"], w.split(",")[0]) for s, w in out],
                         [(1, "too long"), (2, "its kzalloc() call is left out")])


def real_repo():
    """The one-commit repository of linux-source-6.12, made once (make git-6.12)."""
    dest = os.path.join(CACHE, "linux-git-6.12")
    if not os.path.isfile(os.path.join(dest, ".git", "gfpscope-ready")):
        subprocess.run([PY, os.path.join(REPO, "scripts", "setup.py"), "gitrepo", "6.12", CACHE],
                       capture_output=True)
    return dest if os.path.isfile(os.path.join(dest, ".git", "gfpscope-ready")) else None


REAL_SITES = os.path.join(REPO, "reports", "linux-6.12", "sites.json")


class SeriesRealTree(CliCase):
    """Every subsystem with convert verdicts in reports/linux-6.12/sites.json gets a series that git am takes."""

    @classmethod
    def setUpClass(cls):
        cls.repo = real_repo()

    def test_real_series_apply_with_git_am(self):
        if not self.repo:
            self.skipTest(f"no git repository of linux-source-6.12 could be made in {CACHE} (make git-6.12)")
        import json
        with open(REAL_SITES) as f:
            sites = json.load(f)
        want = {seriesplan.slug(s["maintainers"]) for s in sites if s["verdict"] == "convert"}
        os.makedirs(self.out)
        shutil.copy(REAL_SITES, self.out)
        self.env.update(git_env(self.tmp))
        before = (run_git(self.repo, "status", "--porcelain", env=self.env),
                  run_git(self.repo, "rev-parse", "HEAD", env=self.env),
                  run_git(self.repo, "worktree", "list", env=self.env))
        r = self.gfpscope("series", "--kdir", self.repo, "--out", self.out, "--confidence", "moderate")
        self.assertEqual(r.returncode, 0, r.stderr)
        got = set(os.listdir(os.path.join(self.out, "series")))
        self.assertEqual(got, want)
        # xfs and ext4 get a series exactly when the scan proved something there
        for fs in ("xfs", "ext4"):
            has = any(s["verdict"] == "convert" and s["subsystem"] == "fs/" + fs for s in sites)
            self.assertEqual(any(fs in g for g in got), has, (fs, sorted(got)))
        # git am on the base, in a sparse clone of our own
        clone = os.path.join(self.tmp, "clone")
        run_git(self.tmp, "clone", "-q", "--shared", "--no-checkout", self.repo, clone, env=self.env)
        files = sorted({s["file"] for s in sites if s["verdict"] == "convert"})
        run_git(clone, "sparse-checkout", "set", "--no-cone", *["/" + f for f in files], env=self.env)
        run_git(clone, "checkout", "-q", "--detach", "HEAD", env=self.env)
        for d in sorted(got):
            ps = patches_of(os.path.join(self.out, "series", d))
            with open(ps[0]) as f:
                cover = f.read()
            self.assertRegex(header(cover, "To") or "", r"@", d)
            base = re.search(r"base-commit: (\w+)", cover).group(1)
            run_git(clone, "checkout", "-q", "--detach", base, env=self.env)
            run_git(clone, "am", "-q", *ps[1:], env=self.env)
            for p in ps:  # the cover letter too
                c = subprocess.run(["perl", "scripts/checkpatch.pl", "--strict", p], cwd=self.repo,
                                   capture_output=True, text=True)
                self.assertIn("total: 0 errors, 0 warnings, ", c.stdout, c.stdout)
                # a CHECK only on what the line had before the series, said below "---"
                with open(p) as f:
                    notes = re.sub(r"\s+", " ", (f.read().split("\n---\n") + [""])[1])
                for m in re.findall(r"^CHECK: (.*)", c.stdout, re.M):
                    self.assertIn(m, notes, p)
        after = (run_git(self.repo, "status", "--porcelain", env=self.env),
                 run_git(self.repo, "rev-parse", "HEAD", env=self.env),
                 run_git(self.repo, "worktree", "list", env=self.env))
        self.assertEqual(after, before)
