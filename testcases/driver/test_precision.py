"""Issue 14: the scope model's precision (testcases/trees/precise, testcases/facts).

Each class of proof has its positive case and the look-alike twins that must stay keep.
"""
import os
import unittest

from util import REPO, ScannedTree

PRECISE = os.path.join(REPO, "testcases", "trees", "precise")

# (file, function) -> (verdict, reason, evidence must contain)
EXPECTED = {
    # static functions have file-local callers: prcfs_fill of static_a.c is called only in a
    # scope; its namesake of static_b.c only outside one
    ("static_a.c", "prcfs_fill"): ("convert", "caller-scope",
                                   "prcfs_fill (static, fs/prcfs/static_a.c) <- prcfs_a_user (memalloc_nofs_save()"),
    ("static_b.c", "prcfs_fill"): ("keep", "no-scope",
                                   "prcfs_fill (static, fs/prcfs/static_b.c) <- prcfs_b_user"),
    # a header macro calls the name from a file with no static of its own: it may reach either
    ("static_c.c", "prcfs_fill2"): ("keep", "dual-context", "<- PRCFS_FILL2 (fs/prcfs/prcfs.h)"),
    ("static_d.c", "prcfs_fill2"): ("keep", "dual-context", "<- PRCFS_FILL2 (fs/prcfs/prcfs.h)"),
    # balanced functions: every restore or stop closes the function's own scope, so the
    # scope its caller holds goes on; the twins end it (the caller's cookie, a conditional
    # save, the caller's transaction)
    ("balanced.c", "prcfs_after_own"): ("convert", "caller-scope",
                                        "prcfs_after_own <- prcfs_after_own_user (memalloc_nofs_save() at "
                                        "line 18); prcfs_after_own: every restore or stop closes its own scope"),
    ("balanced.c", "prcfs_after_param"): ("keep", "no-scope", "prcfs_after_param: may end a scope itself"),
    ("balanced.c", "prcfs_after_cond"): ("keep", "scope-ended", "line 46: memalloc_nofs_restore() may end"),
    ("balanced.c", "prcfs_tx_user"): ("convert", "local-scope", "prcfs_tx_user (memalloc_nofs_save() at line 72)"),
    ("balanced.c", "prcfs_tx_other_user"): ("keep", "scope-ended", "line 92: prcfs_tx_other() may end a scope"),
    # every way to open a scope: memalloc_flags_save() with PF_MEMALLOC_NOFS; PF_MEMALLOC_PIN
    # opens none; a nofs scope does not cover GFP_NOIO
    ("flags.c", "prcfs_flags_helper"): ("convert", "caller-scope",
                                        "prcfs_flags_helper <- prcfs_flags_user (memalloc_flags_save("
                                        "PF_MEMALLOC_NOFS) at line 14)"),
    ("flags.c", "prcfs_pin_helper"): ("keep", "no-scope", "prcfs_pin_user (fs/prcfs/flags.c): this caller holds no scope"),
    ("flags.c", "prcfs_noio_helper"): ("keep", "no-scope", "this caller holds no noio scope"),
    # nesting by cookie: after an inner pair whose save ran inside the open scope (in a branch,
    # in a loop), the scope is open again; the twins: interleaved restores, a skipped inner
    # save, an outer scope open on one path only, and GFP_NOIO after a noio pair in nofs
    ("nested.c", "prcfs_nest_noio"): ("convert", "local-scope",
                                      "prcfs_nest_noio (memalloc_nofs_save() at line 11); memalloc_noio_restore(d) "
                                      "at line 17 restores its own cookie, saved at line 15 inside the scope"),
    ("nested.c", "prcfs_nest_branch_loop"): ("convert", "local-scope",
                                             "memalloc_nofs_restore(e) at line 39 restores its own cookie"),
    ("nested.c", "prcfs_nest_interleaved"): ("keep", "scope-ended", "line 53: memalloc_nofs_restore() may end"),
    ("nested.c", "prcfs_nest_skipped"): ("keep", "scope-ended", "line 68: memalloc_noio_restore() may end"),
    ("nested.c", "prcfs_nest_outer_cond"): ("keep", "scope-ended", "line 84: memalloc_nofs_restore() may end"),
    ("nested.c", "prcfs_nest_noio_site"): ("keep", "scope-ended", "line 98: memalloc_noio_restore() may end"),
    # loops that only exit by break: what follows while (1) / for (;;) is reached through
    # the breaks alone; the twins leave before the save, or by the loop's condition
    ("loops.c", "prcfs_loop_break"): ("convert", "local-scope", "(memalloc_nofs_save() at line 15)"),
    ("loops.c", "prcfs_loop_for"): ("convert", "local-scope", "(memalloc_nofs_save() at line 33)"),
    ("loops.c", "prcfs_loop_early_break"): ("keep", "scope-ended", "line 63: memalloc_nofs_restore() may end"),
    ("loops.c", "prcfs_loop_cond"): ("keep", "scope-ended", "line 80: memalloc_nofs_restore() may end"),
    ("loops.c", "prcfs_loop_return"): ("keep", "no-scope", "no scope in the function"),
    ("flags.c", "prcfs_flags_local"): ("convert", "local-scope", "(memalloc_flags_save() at line 52)"),
    ("flags.c", "prcfs_pf_local"): ("convert", "local-scope", "(a write to current->flags at line 64)"),
}


# the one review case that is covered: after the loop, under the save on the line before
TWIN_CONVERTS = {("twin_rv5.c", 27)}


class Precision(ScannedTree):
    TREE = PRECISE
    SHARE_WORKSPACE = True

    def test_each_case(self):
        self.assertEqual(self.scan.returncode, 0, self.scan.stderr)
        by_key = {}
        for s in self.sites:
            if not os.path.basename(s["file"]).startswith("twin_"):
                by_key.setdefault((os.path.basename(s["file"]), s["function"]), []).append(s)
        self.assertEqual(set(by_key), set(EXPECTED))
        for key, (verdict, reason, ev) in EXPECTED.items():
            with self.subTest(site=key):
                (s,) = by_key[key]
                self.assertEqual((s["verdict"], s["reason"]), (verdict, reason), s["evidence"])
                self.assertIn(ev, s["evidence"][0])

    def test_review_twins_stay_keep(self):
        """A soundness review's cases (twin_*.c): a break in a macro or a statement expression,
        a loop head over several lines, flags that only name PF_MEMALLOC_NOFS (a mask, a
        condition, a comment), an inner save covered by the other kind only, a cookie that
        is a parameter, a global, shadowed or reached through a pointer, a static function
        of a .c file another includes. All keep, but the one site really covered."""
        twins = [s for s in self.sites if os.path.basename(s["file"]).startswith("twin_")]
        self.assertEqual(len(twins), 21)
        for s in twins:
            key = (os.path.basename(s["file"]), s["line"])
            with self.subTest(site=key, function=s["function"]):
                self.assertEqual(s["verdict"], "convert" if key in TWIN_CONVERTS else "keep", s["evidence"])

    def test_patch_checks_the_static_chain(self):
        """patch re-checks a chain through a static function by its name, in its own file."""
        r = self.gfpscope("patch", "--kdir", PRECISE, "--out", self.out)
        self.assertEqual(r.returncode, 0, r.stderr)
        patch = self.load("gfpscope.patch")
        self.assertIn("+++ b/fs/prcfs/static_a.c", patch)
        self.assertNotIn("static_b.c", patch)


class OwnEndsRule(unittest.TestCase):
    """cocci/facts/own_ends.cocci on its cases: which ends are own (testcases/facts/own_ends.*)."""

    def test_cases(self):
        from gfpscope_lib.collect import spatch
        from gfpscope_lib.core import paths
        d = os.path.join(REPO, "testcases", "facts")
        res = spatch._run_batch(d, paths.OWN_ENDS_RULE, ["own_ends.c"], 300,
                                {"names": os.path.join(d, "own_ends.names.json")}, spatch.parse_facts)
        self.assertEqual(res["own_ends.c"]["status"], "ok", res["own_ends.c"]["detail"])
        got = sorted(f"{r['fn']} {r['callee']} {'own' if r['own'] else 'not-own'}"
                     for r in res["own_ends.c"]["records"] if r.get("t") == "end")
        with open(os.path.join(d, "own_ends.expected")) as f:
            self.assertEqual(got, sorted(l.strip() for l in f if l.strip()))
        self.assertEqual(len(got), 16)


if __name__ == "__main__":
    unittest.main()
