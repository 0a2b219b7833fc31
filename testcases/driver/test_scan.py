"""gfpscope scan on the small test tree: every record field, the census, the coverage."""
import csv
import io
import os

from util import SMALL, ScannedTree, tree_state


class ScanSmallTree(ScannedTree):
    # one scan for the class: the tests only read its outputs
    TREE = SMALL
    SHARE_WORKSPACE = True

    @classmethod
    def after_scan(cls):
        cls.by_pos = {(s["file"], s["line"], s["col"]): s for s in cls.sites}

    def test_tree_untouched(self):
        self.assertEqual(tree_state(SMALL), self.tree_before)

    def test_exact_count(self):
        # 12 tokens in code; comment, string and the #define GFP_NOFS excluded
        self.assertEqual(len(self.sites), 12)
        self.assertEqual(sum(1 for s in self.sites if s["kind"] == "noio"), 3)

    def test_call_with_modifiers(self):
        s = self.by_pos[("fs/foofs/super.c", 17, 22)]
        self.assertEqual((s["function"], s["call"], s["flags"], s["kind"], s["parsed"]),
                         ("foofs_alloc_node", "kmalloc", "GFP_NOFS | __GFP_NOFAIL", "nofs", True))

    def test_assignment_has_no_call(self):
        s = self.by_pos[("fs/foofs/super.c", 24, 17)]
        self.assertIsNone(s["call"])
        self.assertEqual(s["flags"], "GFP_NOFS | __GFP_NOFAIL")
        self.assertEqual(s["function"], "foofs_fill")

    def test_file_scope(self):
        s = self.by_pos[("fs/foofs/super.c", 13, 33)]
        self.assertIsNone(s["function"])
        self.assertIsNone(s["call"])
        self.assertTrue(s["parsed"])

    def test_function_pointer_call(self):
        s = self.by_pos[("drivers/blk/blk.c", 10, 24)]
        self.assertEqual(s["call"], "ops->alloc")

    def test_unparsed_sites_are_counted_with_reason(self):
        broken = self.by_pos[("drivers/blk/blk.c", 21, 19)]
        self.assertEqual((broken["parsed"], broken["unparsed_reason"]), (False, "parse-error"))
        self.assertEqual(broken["function"], "blk_unparsable")  # lexical stand-in
        dead = self.by_pos[("fs/foofs/super.c", 43, 19)]
        self.assertEqual((dead["parsed"], dead["unparsed_reason"]), (False, "if0"))

    def test_macro_bodies_count(self):
        m = self.by_pos[("include/linux/foofs.h", 7, 36)]
        self.assertEqual(m["macro"], "FOOFS_ALLOC")
        self.assertIsNone(m["function"])
        obj = self.by_pos[("include/linux/foofs.h", 6, 19)]
        self.assertEqual(obj["flags"], "GFP_NOFS | __GFP_ZERO")
        self.assertIsNone(obj["call"])

    def test_subsystems(self):
        self.assertEqual(self.by_pos[("fs/foofs/super.c", 17, 22)]["subsystem"], "fs/foofs")
        self.assertEqual(self.by_pos[("fs/foofs/super.c", 17, 22)]["maintainers"], "FOOFS FILE SYSTEM")
        self.assertEqual(self.by_pos[("include/linux/foofs.h", 6, 19)]["maintainers"], "FOOFS FILE SYSTEM")
        self.assertEqual(self.by_pos[("drivers/blk/blk.c", 10, 24)]["maintainers"], "BLK DRIVER")
        # X: excludes legacy.c from BLK DRIVER
        self.assertEqual(self.by_pos[("drivers/blk/legacy.c", 6, 20)]["maintainers"], "THE REST")
        self.assertEqual(self.by_pos[("mm.c", 8, 8)]["subsystem"], "(top)")

    def test_record_has_verdict_fields(self):
        for s in self.sites:
            for k in ("verdict", "reason", "confidence", "evidence"):
                self.assertIn(k, s)

    def test_census_files(self):
        c = self.load("census.json")
        self.assertEqual(c["totals"]["sites"], 12)
        self.assertEqual(c["totals"]["unparsed"], 2)
        self.assertEqual(c["totals"]["unparsed_by_reason"], {"if0": 1, "parse-error": 1})
        by_dir = {r["subsystem"]: r for r in c["by_directory"]}
        self.assertEqual((by_dir["fs/foofs"]["nofs"], by_dir["fs/foofs"]["noio"]), (6, 0))
        self.assertEqual(by_dir["drivers/blk"]["noio"], 3)
        by_m = {r["subsystem"]: r["total"] for r in c["by_maintainers"]}
        self.assertEqual(by_m, {"FOOFS FILE SYSTEM": 8, "BLK DRIVER": 2, "THE REST": 2})
        rows = list(csv.DictReader(io.StringIO(self.load("census.csv"))))
        self.assertEqual(sum(int(r["total"]) for r in rows if r["grouping"] == "directory"), 12)
        self.assertIn("| fs/foofs | 6 | 0 | 6 | 1 |", self.load("census.md"))

    def test_coverage_line(self):
        self.assertEqual(self.scan.stdout.strip().splitlines()[-1],
                         "coverage: 12 sites found, 10 analysed, 2 unparsed (if0: 1, parse-error: 1)")

    def test_paths_limit_scan(self):
        out2 = os.path.join(self.tmp, "out2")
        r = self.gfpscope("scan", "-q", "--kdir", SMALL, "--out", out2, "drivers/blk")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("coverage: 3 sites found", r.stdout)

    def test_second_run_uses_cache(self):
        # (--reanalyse: the per-file facts, not the whole scan kept by scanmemo.py)
        r = self.gfpscope("scan", "--reanalyse", "--kdir", SMALL, "--out", os.path.join(self.tmp, "again"))
        self.assertEqual(r.returncode, 0)
        self.assertIn("re-used cached facts for 5 of 5 files", r.stderr)
