"""Issue 13: no unproven GFP_KERNEL reaches a patch or a series (testcases/trees/sound).

Each class of defect has its cases and their look-alike twins: scope ends hidden in
macros, a start's shape taken from the wrong evidence, a scan that the tree no longer
matches, line numbering that disagrees with spatch, and --out through a symlink.
"""
import json
import os
import subprocess
import unittest

from util import REPO, ScannedTree

SOUND = os.path.join(REPO, "testcases", "trees", "sound")

# function -> (verdict, reason, evidence must contain)
EXPECTED = {
    # defect 1: the scope ends through a macro (file-local, header, statement expression,
    # do-while, a flag clear, a macro of a macro, a macro that commits) or a call to a name
    # defined nowhere in the tree ...
    "sndfs_macro_restore": ("keep", "scope-ended", "line 31: sndfs_end_nofs() may end a scope"),
    "sndfs_stmt_expr_restore": ("keep", "scope-ended", "sndfs_end_se() may end a scope"),
    "sndfs_do_while_restore": ("keep", "scope-ended", "sndfs_end_dw() may end a scope"),
    "sndfs_flags_macro": ("keep", "scope-ended", "sndfs_drop_nofs() may end a scope"),
    "sndfs_macro_of_macro": ("keep", "scope-ended", "sndfs_end_twice() may end a scope"),
    "sndfs_header_macro": ("keep", "scope-ended", "sndfs_leave_nofs() may end a scope"),
    "sndfs_unknown_call": ("keep", "scope-ended", "sndfs_mystery() has no body the analysis can clear"),
    # a function pasted by a ## macro has the macro's body
    "sndfs_generated_ender": ("keep", "scope-ended", "sndfs_end_early() has no body the analysis can clear"),
    "sndfs_generated_getter": ("convert", "local-scope", "memalloc_nofs_save() at line 147"),
    # a function on a caller chain that calls a name defined nowhere may end the scope
    "sndfs_chain_inner": ("keep", "no-scope", "sndfs_chain_inner <- sndfs_via_unknown"),
    "sndfs_chain_inner2": ("convert", "caller-scope",
                           "sndfs_chain_inner2 <- sndfs_via_known <- sndfs_chain_outer"),
    "sndfs_macro_commit": ("keep", "no-scope", "sndfs_macro_commit"),
    # ... and their twins: macros of the same shapes that end nothing, a restore after the site
    "sndfs_macro_harmless": ("convert", "local-scope", "memalloc_nofs_save() at line 102"),
    "sndfs_stmt_expr_harmless": ("convert", "local-scope", "memalloc_nofs_save() at line 113"),
    "sndfs_restore_after": ("convert", "local-scope", "memalloc_nofs_save() at line 125"),
    # defect 2: an int wrapper of a pointer start is int-shaped: `if (!error)` is no failure test
    "sndfs_wrapper_misuse": ("keep", "no-scope", "sndfs_wrapper_misuse"),
    "sndfs_wrapper_user": ("convert", "transaction", "sndfs_trans_alloc_int(): sndfs_trans_alloc (tp->t_pflags)"),
    "sndfs_ptr_user": ("convert", "transaction", "sndfs_trans_alloc(): tp->t_pflags"),
    # defect 4: the two sites of ff.c share a column; only the second is proven
    "sndfs_latin1_scoped": ("convert", "local-scope", "memalloc_nofs_save() at line 7"),
    "sndfs_helper": ("convert", "caller-scope", "sndfs_helper <- sndfs_caller"),
}


def run_git(cwd, *args):
    env = dict(os.environ, GIT_AUTHOR_NAME="T", GIT_AUTHOR_EMAIL="t@example.org",
               GIT_COMMITTER_NAME="T", GIT_COMMITTER_EMAIL="t@example.org")
    r = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    return r.stdout


class Soundness(ScannedTree):
    TREE = SOUND

    def scanned_copy(self):
        """A copy of the sound tree and a scan of it, for the tests that edit the tree."""
        tree = self.copy_tree(SOUND)
        r = self.gfpscope("scan", "--kdir", tree, "--out", self.out)
        self.assertEqual(r.returncode, 0, r.stderr)
        return tree

    def edit(self, path, old, new):
        with open(path, "rb") as f:
            data = f.read()
        self.assertIn(old, data)
        with open(path, "wb") as f:
            f.write(data.replace(old, new, 1))

    # ---------------------------------------------------------------- defects 1 and 2

    def test_each_case(self):
        self.assertEqual(self.scan.returncode, 0, self.scan.stderr)
        by_fn = {}
        for s in self.sites:
            by_fn.setdefault(s["function"], []).append(s)
        for fn, (verdict, reason, ev) in EXPECTED.items():
            with self.subTest(fn=fn):
                (s,) = by_fn[fn]
                self.assertEqual((s["verdict"], s["reason"]), (verdict, reason), s["evidence"])
                self.assertIn(ev, s["evidence"][0])

    def test_macro_stops_and_unresolved_names_in_providers_json(self):
        prov = self.shared.load("providers.json")
        # the #defines that restore or clear the flag are stops under their own names
        for m in ("sndfs_end_nofs", "sndfs_end_se", "sndfs_end_dw", "sndfs_drop_nofs", "sndfs_leave_nofs"):
            self.assertIn(m, prov["stops"])
        self.assertNotIn("something_else", prov["stops"])
        self.assertNotIn("sndfs_note", prov["stops"])
        self.assertEqual(prov["unresolved"], ["sndfs_end_early", "sndfs_mystery"])
        self.assertIn("SNDFS_ENDER", prov["stops"])

    def test_start_shape_is_the_declared_return_type(self):
        prov = self.shared.load("providers.json")
        got = {n: s["shape"] for n, s in prov["starts"].items()}
        self.assertEqual(got, {"sndfs_trans_alloc": "ptr", "sndfs_trans_alloc_int": "int"})

    def test_every_convert_records_its_proof(self):
        for s in self.sites:
            if s["verdict"] != "convert":
                self.assertNotIn("proof", s)
                continue
            with self.subTest(fn=s["function"]):
                p = s["proof"]
                self.assertIn(s["file"], p["files"])
                self.assertTrue(all(len(h) == 40 for h in p["files"].values()))
                self.assertTrue(p["scope"]["opener"])
        helper = [s for s in self.sites if s["function"] == "sndfs_helper"][0]
        self.assertEqual(sorted(helper["proof"]["files"]), ["fs/sndfs/caller.c", "fs/sndfs/helper.c"])
        self.assertEqual(helper["proof"]["chain"][0]["caller"], "sndfs_caller")

    # ---------------------------------------------------------------- defect 3: stale scans

    def test_patch_refuses_when_a_proven_save_is_gone(self):
        # the save becomes 0, every line stays where it was: the token check alone passed this
        tree = self.scanned_copy()
        self.edit(os.path.join(tree, "fs/sndfs/latin1.c"), b"memalloc_nofs_save()", b"0")
        r = self.gfpscope("patch", "--kdir", tree, "--out", self.out)
        self.assertEqual(r.returncode, 2, r.stdout)
        self.assertIn("fs/sndfs/latin1.c: the tree changed since the scan", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.out, "gfpscope.patch")))

    def test_patch_refuses_when_a_file_on_the_chain_changed(self):
        # helper.c is as scanned; its proof rests on caller.c, whose save is gone
        tree = self.scanned_copy()
        self.edit(os.path.join(tree, "fs/sndfs/caller.c"), b"memalloc_nofs_save()", b"0")
        r = self.gfpscope("patch", "--kdir", tree, "--out", self.out, "--confidence", "moderate")
        self.assertEqual(r.returncode, 2, r.stdout)
        self.assertIn("fs/sndfs/caller.c: the tree changed since the scan", r.stderr)
        self.assertIn("the proof of fs/sndfs/helper.c:7 rests on it", r.stderr)

    def test_patch_goes_on_when_an_unrelated_file_changed(self):
        # the twin: a file no proof rests on (the header) gets a new comment
        tree = self.scanned_copy()
        self.edit(os.path.join(tree, "fs/sndfs/sndfs.h"), b"#endif", b"/* more */\n#endif")
        r = self.gfpscope("patch", "--kdir", tree, "--out", self.out, "--confidence", "moderate")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("10 conversions in 5 files", r.stdout)

    def test_patch_refuses_a_proof_whose_chain_does_not_hold(self):
        # the independent check: same files, but sites.json cites a call that does not exist
        tree = self.scanned_copy()
        path = os.path.join(self.out, "sites.json")
        with open(path) as f:
            sites = json.load(f)
        helper = [s for s in sites if s["function"] == "sndfs_helper"][0]
        helper["proof"]["chain"][0]["line"] += 1
        with open(path, "w") as f:
            json.dump(sites, f)
        r = self.gfpscope("patch", "--kdir", tree, "--out", self.out, "--confidence", "moderate")
        self.assertEqual(r.returncode, 2, r.stdout)
        self.assertIn("fs/sndfs/helper.c:7: the evidence chain cites sndfs_caller() calling sndfs_helper()",
                      r.stderr)
        del helper["proof"]
        with open(path, "w") as f:
            json.dump(sites, f)
        r = self.gfpscope("patch", "--kdir", tree, "--out", self.out, "--confidence", "moderate")
        self.assertEqual(r.returncode, 2, r.stdout)
        self.assertIn("the scan recorded no proof for this convert", r.stderr)

    def test_series_refuses_a_committed_edit(self):
        tree = self.copy_tree(SOUND)
        run_git(tree, "init", "-q")
        run_git(tree, "config", "user.name", "T")
        run_git(tree, "config", "user.email", "t@example.org")
        run_git(tree, "add", "-A")
        run_git(tree, "commit", "-qm", "base")
        r = self.gfpscope("scan", "--kdir", tree, "--out", self.out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.edit(os.path.join(tree, "fs/sndfs/latin1.c"), b"memalloc_nofs_save()", b"0")
        run_git(tree, "commit", "-qam", "no scope")
        r = self.gfpscope("series", "--kdir", tree, "--out", self.out)
        self.assertEqual(r.returncode, 2, r.stdout)
        self.assertIn("series not written: fs/sndfs/latin1.c: the tree changed since the scan", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.out, "series", "sndfs-file-system")))

    # ---------------------------------------------------------------- defect 4: line numbers

    def test_form_feed_and_latin1(self):
        tree = self.scanned_copy()
        r = self.gfpscope("patch", "--kdir", tree, "--out", self.out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(self.out, "gfpscope.patch"), "rb") as f:
            patch = f.read()
        # the proven site (after the save) is rewritten, not the one a line above it
        self.assertIn(b"-\tp = kmalloc(n, GFP_NOFS);\n+\tp = kmalloc(n, GFP_KERNEL);\n", patch)
        self.assertNotIn(b"+\tq = kmalloc(n, GFP_KERNEL);", patch)
        self.assertIn(b"+++ b/fs/sndfs/latin1.c", patch)
        run_git(tree, "apply", os.path.join(self.out, "gfpscope.patch"))
        with open(os.path.join(tree, "fs/sndfs/latin1.c"), "rb") as f:
            self.assertIn(b"Ren\xe9", f.read())  # the Latin-1 byte is untouched

    # ---------------------------------------------------------------- defect 5: --out

    def test_out_through_a_symlink_into_the_tree(self):
        tree = self.copy_tree(SOUND)
        link = os.path.join(self.tmp, "outlink")
        os.symlink(os.path.join(tree, "fs"), link)
        before = sorted(os.listdir(os.path.join(tree, "fs")))
        r = self.gfpscope("scan", "--kdir", tree, "--out", os.path.join(link, "gfpscope-out"))
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        self.assertIn("is inside the kernel tree", r.stderr)
        self.assertEqual(sorted(os.listdir(os.path.join(tree, "fs"))), before)
        # the twin: a symlink to a directory outside the tree is a fine --out
        elsewhere = os.path.join(self.tmp, "elsewhere")
        os.makedirs(elsewhere)
        os.symlink(elsewhere, os.path.join(self.tmp, "goodlink"))
        r = self.gfpscope("scan", "--kdir", tree, "--out", os.path.join(self.tmp, "goodlink", "o"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(os.path.exists(os.path.join(elsewhere, "o", "sites.json")))


class LineNumbering(unittest.TestCase):
    """textpos numbers lines as gfplex and spatch do: only \\n ends a line."""

    def test_breaks_only_at_newline(self):
        from gfpscope_lib.core import textpos
        data = b"a\fb\x1c\x85\r\nGFP_NOFS\xe9\n\nx"
        self.assertEqual(textpos.split_lines(data), [b"a\fb\x1c\x85\r\n", b"GFP_NOFS\xe9\n", b"\n", b"x"])
        self.assertEqual(textpos.offset(data, 2, 0), data.index(b"GFP_NOFS"))
        self.assertEqual(textpos.line_at(data, 4), b"x")
        self.assertIsNone(textpos.offset(data, 5, 0))
        self.assertIsNone(textpos.offset(data, 1, 50))
        # what str.splitlines() would have said: 5 lines before GFP_NOFS's
        self.assertGreater(len(data.decode("latin-1").splitlines()), 4)

    def test_rewrite_by_byte_offset(self):
        from gfpscope_lib.emit import rewrite
        old = b"/* \f */\nq(GFP_NOFS);\np(GFP_NOFS); /* \xe9 */\n"
        new = rewrite.rewrite_bytes("x.c", old, [{"line": 3, "col": 2, "kind": "nofs"}])
        self.assertEqual(new, b"/* \f */\nq(GFP_NOFS);\np(GFP_KERNEL); /* \xe9 */\n")
        from gfpscope_lib.core.errors import GfpError
        with self.assertRaises(GfpError):
            rewrite.rewrite_bytes("x.c", old, [{"line": 3, "col": 3, "kind": "nofs"}])


if __name__ == "__main__":
    unittest.main()
