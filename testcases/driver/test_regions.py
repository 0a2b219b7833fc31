"""regions.without_checked: the cheaper scoped-calls rule for files that name no checked start.

The plain variant must give exactly the facts of the full rule on such a file
(it only drops matching that cannot succeed there), and the driver must send
it no file that names a checked start.
"""
import glob
import json
import os
import tempfile
import unittest

from util import REPO
from gfpscope_lib.analyse import regions
from gfpscope_lib.collect import spatch

# the checked starts a real scan of the ipa tree finds, and the enders it would add
CKP = ["ipafs_journal_start", "ipafs_journal_start_tail"]
CKI = ["ipafs_start_this_handle"]
PLAIN = ["ipafs_writepages_down"]
ENDERS = ["ipafs_commit", "ipafs_stop_this_handle", "ipafs_trans_finish"]


def _inputs():
    """Every hand-written test input that names no checked start, with a scope in it."""
    files = sorted(glob.glob(os.path.join(REPO, "testcases", "gfp_scope_*", "*.c")) +
                   glob.glob(os.path.join(REPO, "testcases", "trees", "ipa", "fs", "ipafs", "*.c")))
    accept = regions.names_none_of(CKP + CKI)
    out = []
    for f in files:
        with open(f, "rb") as fh:
            data = fh.read()
        if accept(data) and (b"memalloc_" in data or b"PF_MEMALLOC" in data):
            out.append(f)
    return out


def _facts(rule_text, files):
    """{file: sorted GFPSCOPE records}, one spatch process for all files (as the driver runs it)."""
    with tempfile.TemporaryDirectory() as td:
        rule = os.path.join(td, "r.cocci")
        with open(rule, "w") as f:
            f.write(rule_text)
        rels = [os.path.relpath(f, REPO) for f in files]
        res = spatch._run_batch(REPO, rule, rels, 300, {}, spatch.parse_facts)
        if res is None:
            raise AssertionError("spatch failed")
        for rel, r in res.items():
            if r["status"] != "ok":
                raise AssertionError(f"spatch: {rel}: {r['status']}: {r['detail']}")
        return {rel: sorted(json.dumps(x, sort_keys=True) for x in r["records"]) for rel, r in res.items()}


class PlainVariant(unittest.TestCase):
    def test_same_facts_as_the_full_rule(self):
        files = _inputs()
        self.assertGreater(len(files), 15)  # the scope rules' cases and the ipa tree's files
        for returns in (False, True):
            full = regions.rule_text(PLAIN, CKP, CKI, ENDERS, returns=returns)
            plain = regions.without_checked(full)
            self.assertNotIn("ckp@ps", plain)
            self.assertNotIn("@good_shape", plain)
            a, b = _facts(full, files), _facts(plain, files)
            self.assertEqual(a, b)
            self.assertTrue(any(a.values()))  # the comparison saw facts, not two empty outputs

    def test_files_naming_a_checked_start_get_the_full_rule(self):
        accept = regions.names_none_of(CKP + CKI)
        with open(os.path.join(REPO, "testcases", "trees", "ipa", "fs", "ipafs", "journal.c"), "rb") as f:
            self.assertFalse(accept(f.read()))
        self.assertTrue(accept(b"x = ipafs_journal_starter(1);"))  # a longer word is another name
        self.assertTrue(regions.names_none_of([])(b"anything"))

    def test_template_without_the_branches_is_an_error(self):
        with self.assertRaises(RuntimeError):
            regions.without_checked("@initialize:python@\n@@\n@cand exists@\n@@\nf(...);\n")


if __name__ == "__main__":
    unittest.main()
