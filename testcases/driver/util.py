"""Helpers for the driver tests: run the real CLI on small trees."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
GFPSCOPE = os.path.join(REPO, "scripts", "gfpscope")
SMALL = os.path.join(REPO, "testcases", "trees", "small")
PY = "/usr/bin/python3"
sys.path.insert(0, os.path.join(REPO, "scripts"))


def tree_state(path):
    """A fingerprint of every file's path, mode, size and content in a tree."""
    import hashlib
    h = hashlib.sha1()
    for root, dirs, files in os.walk(path):
        dirs.sort()
        for name in sorted(files + dirs):
            full = os.path.join(root, name)
            st = os.lstat(full)
            h.update(f"{os.path.relpath(full, path)} {st.st_mode} {st.st_size}\n".encode())
            if os.path.isfile(full) and not os.path.islink(full):
                with open(full, "rb") as f:
                    h.update(f.read())
    return h.hexdigest()


class Workspace:
    """An output dir and a fact cache of its own, and the command run in it. Not a test case:
    a class fixture makes one (Workspace(); .setUp()) to share one scan between its tests."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="gfpscope-test.")
        self.out = os.path.join(self.tmp, "out")
        self.env = dict(os.environ, GFPSCOPE_CACHE=os.path.join(self.tmp, "cache"))

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def gfpscope(self, *args, env=None, cwd=None):
        return subprocess.run([PY, GFPSCOPE, *args], capture_output=True, text=True,
                              env=env or self.env, cwd=cwd or self.tmp, timeout=900)

    def copy_tree(self, src=SMALL, name="tree"):
        dst = os.path.join(self.tmp, name)
        shutil.copytree(src, dst, symlinks=True)
        return dst

    def load(self, name):
        with open(os.path.join(self.out, name)) as f:
            return json.load(f) if name.endswith(".json") else f.read()


class CliCase(Workspace, unittest.TestCase):
    """Each test gets its own output dir and fact cache."""


class ScannedTree(CliCase):
    """A test class whose tests share one scan of a tree, made once for the class.

    setUpClass makes the class's own workspace, cls.shared; takes the tree (TREE, or what
    build_tree() makes in the workspace) and its fingerprint (cls.tree, cls.tree_before); runs
    `gfpscope scan SCAN_ARGS --kdir TREE --out` into cls.shared.out (cls.scan, the finished
    process) and loads its sites.json (cls.sites; [] when the scan failed); then after_scan()
    for what else the class runs once. tearDownClass removes the workspace (so does a
    setUpClass that fails).

    Each test gets a workspace of its own, as in a CliCase, or with SHARE_WORKSPACE works in
    the shared one (self.out is the scan's output) and fails unless the scan succeeded."""
    TREE = None
    SCAN_ARGS = ()
    SHARE_WORKSPACE = False

    @classmethod
    def build_tree(cls, ws):
        return cls.TREE

    @classmethod
    def after_scan(cls):
        pass

    @classmethod
    def setUpClass(cls):
        cls.shared = Workspace()
        cls.shared.setUp()
        try:
            cls.tree = cls.build_tree(cls.shared)
            cls.tree_before = tree_state(cls.tree)
            cls.scan = cls.shared.gfpscope("scan", *cls.SCAN_ARGS, "--kdir", cls.tree, "--out", cls.shared.out)
            cls.sites = cls.shared.load("sites.json") if cls.scan.returncode == 0 else []
            cls.after_scan()
        except BaseException:
            cls.shared.tearDown()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.shared.tearDown()

    def setUp(self):
        if not self.SHARE_WORKSPACE:
            return super().setUp()
        self.tmp, self.out, self.env = self.shared.tmp, self.shared.out, self.shared.env
        self.assertEqual(self.scan.returncode, 0, self.scan.stderr)

    def tearDown(self):
        if not self.SHARE_WORKSPACE:
            super().tearDown()
