"""gfpscope patch: rewrite by position, keep modifiers, apply with git apply."""
import os
import subprocess

from util import SMALL, CliCase, tree_state


class PatchSmallTree(CliCase):
    def setUp(self):
        super().setUp()
        self.tree = self.copy_tree()
        r = self.gfpscope("scan", "-q", "--kdir", self.tree, "--out", self.out)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_patch_rewrites_only_proven_site_and_applies(self):
        before = tree_state(self.tree)
        r = self.gfpscope("patch", "--kdir", self.tree, "--out", self.out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(tree_state(self.tree), before, "patch must not touch the tree")
        diff = self.load("gfpscope.patch")
        minus = [l for l in diff.splitlines() if l.startswith("-") and not l.startswith("---")]
        plus = [l for l in diff.splitlines() if l.startswith("+") and not l.startswith("+++")]
        # the local scope's site, and its callee's (the only caller holds the scope)
        self.assertEqual(minus, ["-\treturn kmalloc(size, GFP_NOFS | __GFP_NOFAIL);",
                                 "-\tvoid *q = kmalloc(size, GFP_NOFS);"])
        self.assertEqual(plus, ["+\treturn kmalloc(size, GFP_KERNEL | __GFP_NOFAIL);",
                                "+\tvoid *q = kmalloc(size, GFP_KERNEL);"])
        a = subprocess.run(["git", "apply", os.path.join(self.out, "gfpscope.patch")], cwd=self.tree,
                           capture_output=True, text=True,
                           env=dict(os.environ, GIT_CEILING_DIRECTORIES=self.tmp))
        self.assertEqual(a.returncode, 0, a.stderr)
        r = self.gfpscope("scan", "-q", "--kdir", self.tree, "--out", os.path.join(self.tmp, "o2"))
        self.assertIn("coverage: 10 sites found", r.stdout)

    def test_apply_hint_is_quoted_for_the_shell(self):
        """The printed `git -C DIR apply PATCH` runs as printed when DIR and OUT hold spaces
        and quotes."""
        import shlex
        tree = self.copy_tree(self.tree, "my 'kernel' tree")
        out = os.path.join(self.tmp, "the out")
        self.assertEqual(self.gfpscope("scan", "-q", "--kdir", tree, "--out", out).returncode, 0)
        r = self.gfpscope("patch", "--kdir", tree, "--out", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        hint = r.stdout.strip().rpartition("apply with: ")[2]
        self.assertEqual(shlex.split(hint), ["git", "-C", tree, "apply", os.path.join(out, "gfpscope.patch")])
        a = subprocess.run(hint, shell=True, capture_output=True, text=True,
                           env=dict(os.environ, GIT_CEILING_DIRECTORIES=self.tmp))
        self.assertEqual(a.returncode, 0, a.stderr)
        with open(os.path.join(tree, "fs/foofs/super.c")) as f:
            self.assertIn("kmalloc(size, GFP_KERNEL | __GFP_NOFAIL)", f.read())

    def test_modifiers_survive(self):
        # make the proven site carry a modifier, then patch
        path = os.path.join(self.tree, "fs/foofs/super.c")
        with open(path) as f:
            text = f.read()
        with open(path, "w") as f:
            f.write(text.replace("void *q = kmalloc(size, GFP_NOFS);",
                                 "void *q = kmalloc(size, GFP_NOFS | __GFP_NOFAIL);"))
        self.assertEqual(self.gfpscope("scan", "-q", "--kdir", self.tree, "--out", self.out).returncode, 0)
        r = self.gfpscope("patch", "--kdir", self.tree, "--out", self.out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("+\tvoid *q = kmalloc(size, GFP_KERNEL | __GFP_NOFAIL);", self.load("gfpscope.patch"))

    def test_stale_tree_is_refused(self):
        path = os.path.join(self.tree, "fs/foofs/super.c")
        with open(path) as f:
            text = f.read()
        with open(path, "w") as f:
            f.write("\n" + text)
        r = self.gfpscope("patch", "--kdir", self.tree, "--out", self.out)
        self.assertEqual(r.returncode, 2)
        self.assertIn("the tree changed since the scan", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.out, "gfpscope.patch")))

    def test_no_scan_yet(self):
        r = self.gfpscope("patch", "--kdir", SMALL, "--out", os.path.join(self.tmp, "empty"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("run gfpscope scan", r.stderr)

    def test_verdicts_and_evidence(self):
        sites = self.load("sites.json")
        conv = [s for s in sites if s["verdict"] == "convert"]
        self.assertEqual([(s["file"], s["line"], s["reason"], s["confidence"]) for s in conv],
                         [("fs/foofs/super.c", 17, "caller-scope", "high"),
                          ("fs/foofs/super.c", 33, "local-scope", "high")])
        self.assertEqual(conv[1]["evidence"], ["foofs_scoped (memalloc_nofs_save() at line 31)"])
        self.assertEqual(conv[0]["evidence"],
                         ["foofs_alloc_node <- foofs_scoped (memalloc_nofs_save() at line 31)"])
        # no caller at all: nothing proves a scope
        fill = [s for s in sites if s["function"] == "foofs_fill"][0]
        self.assertEqual((fill["verdict"], fill["reason"]), ("keep", "no-scope"))
        self.assertTrue(all(s["verdict"] in ("convert", "keep") and s["reason"] for s in sites))
        unparsed = [s for s in sites if not s["parsed"]]
        self.assertTrue(all(s["reason"] == "unparsed" for s in unparsed))


class PatchWithoutGit(CliCase):
    def test_no_git(self):
        tree = self.copy_tree()
        self.assertEqual(self.gfpscope("scan", "-q", "--kdir", tree, "--out", self.out).returncode, 0)
        empty = os.path.join(self.tmp, "emptybin")
        os.makedirs(empty)
        r = self.gfpscope("patch", "--kdir", tree, "--out", self.out, env=dict(self.env, PATH=empty))
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertEqual(r.stderr.strip().splitlines(),
                         ["gfpscope: git is not installed: it is needed to check the patch (apt-get install git)"])
        self.assertFalse(os.path.exists(os.path.join(self.out, "gfpscope.patch")))
