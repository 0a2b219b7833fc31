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
