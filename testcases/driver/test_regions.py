"""The scoped-calls rule's variants and its names given as data (regions.py).

Without -D checked the rule must give exactly the facts it gives with it on a
file that names no checked start (it only drops matching that cannot succeed
there), and the driver must send no file that names a checked start to that
variant. The names the driver passes (-D names=FILE) must reach the rule.
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


def _facts(files, defines, names=None):
    """{file: sorted GFPSCOPE records}, one spatch process for all files (as the driver runs it)."""
    with tempfile.TemporaryDirectory() as td:
        defines = dict(defines)
        if names is not None:
            defines["names"] = os.path.join(td, "names.json")
            with open(defines["names"], "w") as f:
                json.dump(names, f)
        rels = [os.path.relpath(f, REPO) for f in files]
        res = spatch._run_batch(REPO, regions.RULE, rels, 300, defines, spatch.parse_facts)
        if res is None:
            raise AssertionError("spatch failed")
        for rel, r in res.items():
            if r["status"] != "ok":
                raise AssertionError(f"spatch: {rel}: {r['status']}: {r['detail']}")
        return {rel: sorted(json.dumps(x, sort_keys=True) for x in r["records"]) for rel, r in res.items()}


NAMES = regions.names(PLAIN, CKP, CKI, ENDERS)


class PlainVariant(unittest.TestCase):
    def test_same_facts_as_the_full_rule(self):
        files = _inputs()
        self.assertGreater(len(files), 15)  # the scope rules' cases and the ipa tree's files
        for returns in (False, True):
            full, [(plain, _)] = regions.defines(CKP + CKI, returns=returns)
            self.assertIn("checked", full)
            self.assertNotIn("checked", plain)
            a, b = _facts(files, full, NAMES), _facts(files, plain, NAMES)
            self.assertEqual(a, b)
            self.assertTrue(any(a.values()))  # the comparison saw facts, not two empty outputs
            self.assertEqual(any('"t": "ret"' in x for v in a.values() for x in v), returns)

    def test_wrapper_rules_change_nothing_where_no_wrapper_is_used(self):
        """With wrapper macros (-D wraps and their data) the rule gives the same facts on
        files that use none; the variants send a file the wrapper rules only when it names
        a wrapper, and the checked-start rules only when it names a checked start."""
        wraps = {"prcfs_with_nofs": {"n": 1, "arg": 0, "fp": -1, "save": "memalloc_nofs_save",
                                     "flags": "", "vis": None}}
        files = _inputs()
        full, variants = regions.defines(CKP + CKI, wraps=sorted(wraps))
        self.assertEqual(set(full), {"checked", "wraps"})
        self.assertEqual([set(d) for d, _ in variants], [set(), {"checked"}, {"wraps"}])
        choose = [next(set(d) for d, a in variants + [(full, None)] if a is None or a(text))
                  for text in (b"x", b"ipafs_journal_start(1)", b"prcfs_with_nofs(x)",
                               b"ipafs_journal_start(prcfs_with_nofs(x))")]
        self.assertEqual(choose, [set(), {"checked"}, {"wraps"}, {"checked", "wraps"}])
        names = regions.names(PLAIN, CKP, CKI, ENDERS, wraps)
        self.assertEqual(_facts(files, full, names), _facts(files, {"checked": None}, NAMES))

    def test_files_naming_a_checked_start_get_the_full_rule(self):
        accept = regions.defines(CKP + CKI)[1][0][1]
        with open(os.path.join(REPO, "testcases", "trees", "ipa", "fs", "ipafs", "journal.c"), "rb") as f:
            self.assertFalse(accept(f.read()))
        self.assertTrue(accept(b"x = ipafs_journal_starter(1);"))  # a longer word is another name
        self.assertTrue(regions.names_none_of([])(b"anything"))


class NamesAsData(unittest.TestCase):
    """The lists the driver passes are the rule's starts and scope-ending calls."""

    def _covered(self, code, names):
        with tempfile.TemporaryDirectory(dir=REPO) as td:
            path = os.path.join(td, "t.c")
            with open(path, "w") as f:
                f.write(code)
            recs = _facts([path], {}, names)[os.path.relpath(path, REPO)]
        return sorted(json.loads(r)["callee"] for r in recs if json.loads(r)["t"] == "scall")

    CODE = ("void f(void)\n{\n\tmy_lock();\n\ta();\n\tmy_unlock();\n\tb();\n}\n")

    def test_a_start_and_an_ender_given_as_data(self):
        # the ender itself runs in the scope; what follows it does not
        self.assertEqual(self._covered(self.CODE, regions.names(["my_lock"], enders=["my_unlock"])), ["a", "my_unlock"])

    def test_without_the_ender_the_scope_goes_on(self):
        self.assertEqual(self._covered(self.CODE, regions.names(["my_lock"])), ["a", "b", "my_unlock"])

    def test_without_the_names_nothing_is_a_start(self):
        self.assertEqual(self._covered(self.CODE, None), [])


if __name__ == "__main__":
    unittest.main()
