"""gfpscope check: exit 1 on a proven-redundant GFP_NOFS/GFP_NOIO or a scope bug, 0 otherwise."""
import os
import re
import shutil
import subprocess

from util import REPO, CliCase, tree_state

# a scope left open on an error path (and others): the unbalanced rule's own positive case
UNRESTORED = os.path.join(REPO, "testcases", "gfp_scope_unbalanced", "pos_unrestored.c")
LINE = re.compile(r"^[\w./-]+\.[ch]:\d+: \S")


def git(cwd, *args):
    env = dict(os.environ, GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1",
               GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.org")
    r = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    return r.stdout


class Check(CliCase):

    def check(self, tree, *args):
        return self.gfpscope("check", "-q", "--kdir", tree, *args)

    def test_proven_site_then_patched(self):
        # the done-when: 1 on a tree with a proven site, 0 once gfpscope patch is applied
        tree = self.copy_tree()
        before = tree_state(tree)
        r = self.check(tree, "--out", self.out)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(tree_state(tree), before)
        lines = r.stdout.splitlines()
        self.assertEqual(len(lines), 2, r.stdout)
        for l in lines:
            self.assertRegex(l, LINE)
        self.assertTrue(lines[0].startswith("fs/foofs/super.c:17: GFP_NOFS | __GFP_NOFAIL in foofs_alloc_node() "
                                            "is redundant: every call into the site's function comes from "
                                            "inside a scope"), lines[0])
        self.assertTrue(lines[1].startswith("fs/foofs/super.c:33: GFP_NOFS in foofs_scoped() is redundant: "
                                            "a memalloc_nofs/noio_save() scope in the same function"), lines[1])
        self.assertTrue(lines[1].endswith(": use GFP_KERNEL (high confidence)"), lines[1])
        self.assertEqual(r.stderr.strip().splitlines()[-1], "gfpscope check: 2 findings in the whole tree")
        # --out kept the scan: gfpscope patch reads it
        p = self.gfpscope("patch", "--kdir", tree, "--out", self.out)
        self.assertEqual(p.returncode, 0, p.stderr)
        a = subprocess.run(["git", "apply", os.path.join(self.out, "gfpscope.patch")], cwd=tree,
                           capture_output=True, text=True)
        self.assertEqual(a.returncode, 0, a.stderr)
        r = self.check(tree)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(r.stdout, "")
        self.assertEqual(r.stderr.strip().splitlines()[-1], "gfpscope check: 0 findings in the whole tree")

    def test_scope_bug_and_paths(self):
        tree = self.copy_tree()
        shutil.copy(UNRESTORED, os.path.join(tree, "drivers", "blk", "unrestored.c"))
        r = self.check(tree, "drivers")
        self.assertEqual(r.returncode, 1, r.stderr)
        lines = r.stdout.splitlines()
        # every path the rule names, and nothing of fs/ (not checked)
        self.assertEqual(len(lines), 5, r.stdout)
        self.assertIn("drivers/blk/unrestored.c:13: gfp_scope_unbalanced: memalloc_nofs_save() at line 13 is "
                      "not restored on the path returning at line 17: add memalloc_nofs_restore(nofs) on that path",
                      lines)
        self.assertTrue(all(l.startswith("drivers/blk/unrestored.c:") for l in lines), lines)
        r = self.check(tree, "drivers/blk/blk.c")
        self.assertEqual((r.returncode, r.stdout), (0, ""), r.stderr)

    def test_since(self):
        tree = self.copy_tree()
        git(tree, "init", "-q")
        git(tree, "add", "-A")
        git(tree, "commit", "-q", "-m", "base")
        r = self.check(tree, "--since", "HEAD")
        self.assertEqual((r.returncode, r.stdout), (0, ""), r.stderr)
        self.assertIn("gfpscope check: 0 findings in no .c or .h file changed since HEAD", r.stderr)
        # a new file with a scope bug, and a change to a file with no finding: only the changed
        # files are reported, not fs/foofs/super.c's proven sites
        shutil.copy(UNRESTORED, os.path.join(tree, "drivers", "blk", "unrestored.c"))
        with open(os.path.join(tree, "mm.c"), "a") as f:
            f.write("/* touched */\n")
        r = self.check(tree, "--since", "HEAD")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(len(r.stdout.splitlines()), 5, r.stdout)
        self.assertTrue(all(l.startswith("drivers/blk/unrestored.c:") for l in r.stdout.splitlines()))
        self.assertIn("in 2 files changed since HEAD", r.stderr)
        # committed: the same against the commit before; and a PATH limits the changed files
        git(tree, "add", "-A")
        git(tree, "commit", "-q", "-m", "more")
        r = self.check(tree, "--since", "HEAD~1")
        self.assertEqual(r.returncode, 1, r.stderr)
        r = self.check(tree, "--since", "HEAD~1", "fs")
        self.assertEqual((r.returncode, r.stdout), (0, ""), r.stderr)
        # super.c changed: its two proven sites are findings, scanned with its directory
        with open(os.path.join(tree, "fs", "foofs", "super.c"), "a") as f:
            f.write("/* touched */\n")
        r = self.check(tree, "--since", "HEAD", "fs")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual([l.split(" ")[0] for l in r.stdout.splitlines()],
                         ["fs/foofs/super.c:17:", "fs/foofs/super.c:33:"])

    def test_bad_input(self):
        plain = self.copy_tree()
        r = self.check(plain, "--since", "HEAD")
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stderr.strip(), f"gfpscope: {plain} is not the top of a git repository: --since needs one")
        repo = self.copy_tree(name="repo")
        git(repo, "init", "-q")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "base")
        r = self.check(repo, "--since", "no-such-rev")
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stderr.strip(), f"gfpscope: --since no-such-rev: not a commit in {repo}")
        r = self.check(repo, "no/such/dir")
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stderr.strip(), f"gfpscope: no/such/dir: no such file or directory in {repo}")
