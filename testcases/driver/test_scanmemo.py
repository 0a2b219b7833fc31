"""A scan kept whole (commands/scanmemo.py): served only for the same tree content, code and
options, and then exactly what an analysing run publishes."""
import os
import time
import unittest

from util import CliCase

from gfpscope_lib.collect import graphcache

HIT = "re-used the scan of this same tree content"
NAMES = ("sites.json", "census.json", "census.csv", "census.md", "scopes.json", "providers.json")


class ScanMemo(CliCase):
    def setUp(self):
        super().setUp()
        self.tree = self.copy_tree()
        time.sleep(graphcache.RACY_NS / 1e9 + 0.5)  # old enough for the stats to be trusted

    def scan(self, out, *args):
        r = self.gfpscope("scan", "--kdir", self.tree, "--out", os.path.join(self.tmp, out), *args)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r

    def outputs(self, out):
        got = {}
        for n in NAMES:
            with open(os.path.join(self.tmp, out, n), "rb") as f:
                got[n] = f.read()
        return got

    def entries(self):
        d = os.path.join(self.tmp, "cache", "scans")
        return sorted(os.listdir(d)) if os.path.isdir(d) else []

    def edit(self, rel, old, new):
        p = os.path.join(self.tree, rel)
        with open(p) as f:
            text = f.read()
        self.assertIn(old, text)
        with open(p, "w") as f:
            f.write(text.replace(old, new))
        time.sleep(graphcache.RACY_NS / 1e9 + 0.5)

    def test_kept_scan_is_what_analysing_publishes(self):
        r = self.scan("cold")
        self.assertNotIn(HIT, r.stderr)
        self.assertEqual(len(self.entries()), 1)
        r = self.scan("kept")
        self.assertIn(HIT, r.stderr)
        self.assertNotIn("analysing", r.stderr)  # no spatch progress: nothing analysed
        r = self.scan("again", "--reanalyse")
        self.assertNotIn(HIT, r.stderr)
        self.assertIn("re-used cached facts", r.stderr)
        # byte for byte what a warm analysing run publishes (census.json's from_cache too)
        self.assertEqual(self.outputs("kept"), self.outputs("again"))
        cold = self.outputs("cold")
        self.assertEqual({n: v for n, v in self.outputs("kept").items() if n != "census.json"},
                         {n: v for n, v in cold.items() if n != "census.json"})

    def test_what_a_scan_reads_is_in_the_key(self):
        # negative twins: each differs from the kept scan in one thing the scan reads, and
        # must be analysed (its outputs then differ where that thing matters)
        self.scan("cold")
        self.assertEqual(self.scan("same").stderr.count(HIT), 1)
        twins = {
            "timeout": lambda: ("--timeout", "77"),
            "path": lambda: ("fs",),
            "providers": lambda: ("--providers", self.providers("foofs_begin foofs_end plain nofs\n")),
        }
        for name, args in twins.items():
            with self.subTest(name):
                self.assertNotIn(HIT, self.scan(name, *args()).stderr)
        # the same providers text in another file is the same input
        self.assertIn(HIT, self.scan("providers-copy", "--providers",
                                     self.providers("foofs_begin foofs_end plain nofs\n", "p2.conf")).stderr)
        # MAINTAINERS: the site's entry changes
        self.edit("MAINTAINERS", "FOOFS FILE SYSTEM", "FOOFS FS")
        r = self.scan("maintainers")
        self.assertNotIn(HIT, r.stderr)
        self.assertIn(b"FOOFS FS", self.outputs("maintainers")["census.csv"])
        # a source file, the same size and mtime (only its content and ctime differ)
        p = os.path.join(self.tree, "fs", "foofs", "super.c")
        st = os.stat(p)
        with open(p, "rb") as f:
            text = f.read()
        i = text.index(b"GFP_NOFS")
        with open(p, "wb") as f:
            f.write(text[:i] + b"GFP_NOIO" + text[i + 8:])
        os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))
        time.sleep(graphcache.RACY_NS / 1e9 + 0.5)
        r = self.scan("edited")
        self.assertNotIn(HIT, r.stderr)
        self.assertNotEqual(self.outputs("edited")["sites.json"], self.outputs("maintainers")["sites.json"])
        # and undone: the first content's scan again
        with open(p, "wb") as f:
            f.write(text)
        os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))
        time.sleep(graphcache.RACY_NS / 1e9 + 0.5)
        self.assertIn(HIT, self.scan("undone").stderr)
        self.assertEqual(self.outputs("undone"), self.outputs("maintainers"))

    def providers(self, text, name="p.conf"):
        p = os.path.join(self.tmp, name)
        with open(p, "w") as f:
            f.write(text)
        return p

    def test_recent_change_is_neither_served_nor_kept(self):
        # a file written within RACY_NS of the scan: its stat cannot tell a second write in
        # the same tick, so no key is trusted
        self.scan("cold")
        self.edit("fs/foofs/super.c", "GFP_NOFS", "GFP_NOIO")  # (waits: trusted again)
        p = os.path.join(self.tree, "mm.c")
        with open(p, "a") as f:
            f.write("\n")
        r = self.scan("racy")
        self.assertNotIn(HIT, r.stderr)
        self.assertEqual(len(self.entries()), 1, "no scan kept for a content not trusted")


class CodeKey(unittest.TestCase):
    """The key's code part: any file under scripts/ or cocci/ (a rule, the declared providers,
    gfplex's sources), not the caches beside them."""

    def test_a_changed_rule_or_source_is_another_key(self):
        import shutil
        import tempfile
        from unittest import mock
        from gfpscope_lib.commands import scanmemo
        repo = tempfile.mkdtemp(prefix="gfpscope-code.")
        self.addCleanup(shutil.rmtree, repo, ignore_errors=True)
        for rel, text in (("scripts/gfplex/lex.c", "int x;\n"), ("scripts/gfpscope_lib/a.py", "A = 1\n"),
                          ("cocci/facts/r.cocci", "@r@\n@@\n- a\n+ b\n"), ("cocci/providers.conf", "")):
            os.makedirs(os.path.dirname(os.path.join(repo, rel)), exist_ok=True)
            with open(os.path.join(repo, rel), "w") as f:
                f.write(text)

        def key():
            with mock.patch.object(scanmemo.paths, "REPO", repo), \
                    mock.patch.object(scanmemo.paths, "COCCI", os.path.join(repo, "cocci")), \
                    mock.patch.object(scanmemo, "_CODE", []):
                return scanmemo._code_key()
        first = key()
        os.makedirs(os.path.join(repo, "scripts", "gfpscope_lib", "__pycache__"))
        with open(os.path.join(repo, "scripts", "gfpscope_lib", "__pycache__", "a.pyc"), "wb") as f:
            f.write(b"\0")
        self.assertEqual(key(), first)  # a cache beside the code is no code
        seen = {first}
        for rel in ("cocci/facts/r.cocci", "cocci/providers.conf", "scripts/gfplex/lex.c", "scripts/gfpscope_lib/a.py"):
            with open(os.path.join(repo, rel), "a") as f:
                f.write("\n")
            k = key()
            self.assertNotIn(k, seen, rel)
            seen.add(k)
