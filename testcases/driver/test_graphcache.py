"""The call graph's cache (collect/graphcache.py): a warm scan reads the graph back instead of
lexing the tree, and gives byte for byte what a cold scan gives, before and after an edit."""
import glob
import os
import shutil
import tempfile
import time
import unittest
from unittest import mock

from util import CliCase, REPO

from gfpscope_lib.collect import graphcache, words
from gfpscope_lib.core import cachedir
from gfpscope_lib.core.tree import KernelTree

IPA = os.path.join(REPO, "testcases", "trees", "ipa")
OUTPUTS = ("sites.json", "providers.json", "scopes.json")
HIT = "re-used the cached call graph"
C_FILE = "fs/ipafs/c.c"
# c.c calls ipafs_shared_helper() inside a scope and ipafs_shared_unscoped() outside one;
# the edit makes the call outside the scope one of ipafs_shared_helper(): the same size
# (padded), so only the content and the ctime tell the edit from the original
CALL_BEFORE = "kfree(ipafs_shared_unscoped(n));"
CALL_AFTER = "kfree(ipafs_shared_helper(n));  "


class GraphCacheScan(CliCase):
    def setUp(self):
        super().setUp()
        if self._testMethodName in ("test_old_entries_are_pruned", "test_large_tables_round_trip"):
            return
        self.tree = self.copy_tree(IPA)
        # a file changed within RACY_NS of the graph step is not trusted by its stat, and
        # then no entry is written: let the copy age first
        time.sleep(graphcache.RACY_NS / 1e9 + 0.5)

    def scan(self, out, cache="cache"):
        env = dict(self.env, GFPSCOPE_CACHE=os.path.join(self.tmp, cache))
        # --reanalyse: the graph's cache is the subject, not the whole scan scanmemo.py keeps
        r = self.gfpscope("scan", "--reanalyse", "--kdir", self.tree, "--out", os.path.join(self.tmp, out), env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r

    def outputs(self, out):
        got = {}
        for name in OUTPUTS:
            with open(os.path.join(self.tmp, out, name), "rb") as f:
                got[name] = f.read()
        return got

    def verdict(self, out, fn):
        import json
        with open(os.path.join(self.tmp, out, "sites.json")) as f:
            return [(s["verdict"], s["reason"]) for s in json.load(f) if s["function"] == fn]

    def entries(self, cache="cache"):
        return glob.glob(os.path.join(self.tmp, cache, "callgraph", "*", "*.graph"))

    def edit(self, old, new):
        path = os.path.join(self.tree, C_FILE)
        st = os.stat(path)
        with open(path) as f:
            text = f.read()
        self.assertIn(old, text)
        with open(path, "w") as f:
            f.write(text.replace(old, new))
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # an editor that keeps the mtime
        self.assertEqual(os.stat(path).st_size, st.st_size)

    def test_warm_and_edited_scans_equal_cold_ones(self):
        r = self.scan("cold")
        self.assertNotIn(HIT, r.stderr)
        self.assertEqual(len(self.entries()), 1)
        cold = self.outputs("cold")
        self.assertEqual(self.verdict("cold", "ipafs_shared_helper"), [("convert", "caller-scope")])

        r = self.scan("warm")
        self.assertIn(HIT, r.stderr)
        self.assertEqual(self.outputs("warm"), cold)

        # an edit of another file than the site's changes a call edge: the graph is lexed again
        self.edit(CALL_BEFORE, CALL_AFTER)
        r = self.scan("edited")
        self.assertNotIn(HIT, r.stderr)
        self.assertEqual(self.verdict("edited", "ipafs_shared_helper"), [("keep", "dual-context")])
        self.scan("edited-cold", cache="empty")
        self.assertEqual(self.outputs("edited"), self.outputs("edited-cold"))
        self.assertNotEqual(self.outputs("edited")["sites.json"], cold["sites.json"])

        # the edit undone: the content is the first scan's again, and so is its graph
        self.edit(CALL_AFTER, CALL_BEFORE)
        r = self.scan("undone")
        self.assertIn(HIT, r.stderr)
        self.assertEqual(self.outputs("undone"), cold)

    def test_word_greps_follow_the_tree(self):
        """The greps that choose each step's files are cached by the tree's content
        (collect/words.py): a new file that opens a scope is seen, as by a cold scan."""
        self.scan("cold")
        self.assertTrue(glob.glob(os.path.join(self.tmp, "cache", "words", "answers", "*", "*.json")))
        cold = self.outputs("cold")
        self.scan("warm")
        self.assertEqual(self.outputs("warm"), cold)
        with open(os.path.join(self.tree, "fs/ipafs/d.c"), "w") as f:
            f.write('#include "ipafs.h"\n#include <linux/sched/mm.h>\n\nvoid ipafs_d_user(size_t n)\n{\n'
                    "\tunsigned int nofs = memalloc_nofs_save();\n\n\tkfree(ipafs_shared_unscoped(n));\n"
                    "\tmemalloc_nofs_restore(nofs);\n}\n")
        time.sleep(graphcache.RACY_NS / 1e9 + 0.5)  # old enough for its stat to be trusted
        self.scan("added")
        self.scan("added-cold", cache="empty")
        self.assertEqual(self.outputs("added"), self.outputs("added-cold"))
        # ipafs_shared_unscoped() now has a caller inside a scope too
        self.assertEqual(self.verdict("cold", "ipafs_shared_unscoped"), [("keep", "no-scope")])
        self.assertEqual(self.verdict("added", "ipafs_shared_unscoped"), [("keep", "dual-context")])

    def test_an_entry_that_does_not_load_is_not_served(self):
        self.scan("cold")
        cold = self.outputs("cold")
        [entry] = self.entries()
        size = os.path.getsize(entry)
        for how in ("truncate", "flip", "stat-index"):
            with self.subTest(how=how):
                if how == "truncate":  # a torn write, a full disk
                    with open(entry, "r+b") as f:
                        f.truncate(size // 2)
                elif how == "flip":  # a byte changed in the middle: the digest no longer matches
                    with open(entry, "r+b") as f:
                        f.seek(size // 2)
                        b = f.read(1)
                        f.seek(size // 2)
                        f.write(bytes([b[0] ^ 0xFF]))
                else:  # the per-file digests unreadable: every file is hashed again
                    for p in glob.glob(os.path.join(self.tmp, "cache", "callgraph", "stat", "*")):
                        with open(p, "wb") as f:
                            f.write(b"\x00garbage")
                r = self.scan(how)
                self.assertEqual(self.outputs(how), cold)
                if how == "stat-index":
                    self.assertIn(HIT, r.stderr)  # the entry rewritten by the run before
                else:
                    self.assertNotIn(HIT, r.stderr)
                    self.assertEqual(os.path.getsize(entry), size)  # written again, whole

    def test_the_tree_is_not_written(self):
        from util import tree_state
        before = tree_state(self.tree)
        self.scan("cold")
        self.scan("warm")
        self.assertEqual(tree_state(self.tree), before)

    def test_old_entries_are_pruned(self):
        # KEEP entries at most, the most recently used (a hit touches its entry), of any
        # lexer version; a killed writer's temporary file goes once it is an hour old
        top = os.path.join(self.tmp, "cache", "callgraph")
        now = time.time()
        made = []
        for i in range(graphcache.KEEP + 2):
            p = os.path.join(top, "v%d" % (i % 2), "%02d.graph" % i)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            open(p, "wb").close()
            os.utime(p, (now - 100 * i, now - 100 * i))
            made.append(p)
        old_tmp, new_tmp = os.path.join(top, "v0", ".x.graph.a.tmp"), os.path.join(top, "v0", ".y.graph.b.tmp")
        for p, age in ((old_tmp, 2 * cachedir.STALE_TMP_S), (new_tmp, 10)):
            open(p, "wb").close()
            os.utime(p, (now - age, now - age))
        c = graphcache.GraphCache.__new__(graphcache.GraphCache)
        c.dir = os.path.join(top, "v0")
        c._prune()
        self.assertEqual([os.path.exists(p) for p in made], [True] * graphcache.KEEP + [False, False])
        self.assertEqual((os.path.exists(old_tmp), os.path.exists(new_tmp)), (False, True))

    def test_large_tables_round_trip(self):
        # blocks of about CHUNK items, an inner dict or set larger than that in parts: what
        # load() gives back is equal to what store() was given, dicts in the same order
        from gfpscope_lib.analyse import callgraph
        n = 2 * graphcache.CHUNK + 3
        g = callgraph.Graph(["a.c"])
        g.plain = {f"callee{i}": {f"caller{j}": "x.c" for j in range(n if i == 5 else 2)} for i in range(n)}
        g.def_files = {"kfree": {f"f{j}.c" for j in range(n)}, "other": {"o.c"}}
        g.static_c = {(f"s{i}", "s.c") for i in range(n)}
        g.files = 7
        c = graphcache.GraphCache.__new__(graphcache.GraphCache)
        c.dir = os.path.join(self.tmp, "cache", "callgraph", "code")
        c.key = "k"
        c.path = os.path.join(c.dir, "k.graph")
        c._write(g)
        back = callgraph.Graph(["a.c"])
        self.assertTrue(c.load(back))
        for k, v in graphcache.GraphCache._fields(g).items():
            self.assertEqual(getattr(back, k), v, k)
            if isinstance(v, dict):
                self.assertEqual(list(getattr(back, k)), list(v), k)
        self.assertEqual(list(back.plain["callee5"]), list(g.plain["callee5"]))
        c.key = "another"  # an entry whose header names another key is not served
        self.assertFalse(c.load(callgraph.Graph(["a.c"])))


class WordGrepsUpToDate(unittest.TestCase):
    """After an edit, a word grep's cached answer is brought up to date by grepping only the
    files that changed (collect/words.py), and says what a grep of the whole tree says."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="gfpscope-words.")
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)
        self.env = mock.patch.dict(os.environ, {"GFPSCOPE_CACHE": os.path.join(self.tmp, "cache")})
        self.env.start()
        self.addCleanup(self.env.stop)
        self.root = os.path.join(self.tmp, "tree")
        self.write("Makefile", "VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 0\n")
        for i in range(5):
            self.write(f"fs/a/f{i}.c", "void f%d(void) { memalloc_nofs_save(); }\n" % i if i % 2 else "int x;\n")
        self.write("fs/b/g.h", "#define G memalloc_noio_save()\n")
        self.write("fs/b/notes.txt", "memalloc_nofs_save\n")
        time.sleep(graphcache.RACY_NS / 1e9 + 0.2)  # old enough for the stats to be trusted

    def write(self, rel, text):
        p = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w") as f:
            f.write(text)

    def grep(self, rel_paths=None):
        """(answer, the paths each grep was given) for a fresh run over the tree."""
        tree, given = KernelTree(self.root), []
        real = words._grep

        def spy(tree, pattern, paths):
            given.append(paths)
            return real(tree, pattern, paths)
        with mock.patch.object(words, "_grep", spy):
            got = words.files_with(tree, ["memalloc_nofs_save", "memalloc_noio_save"], rel_paths)
        words.flush(tree)
        return got, given

    def test_only_the_changed_files_are_grepped(self):
        for rel_paths in (None, ["fs/a"]):
            with self.subTest(rel_paths=rel_paths):
                cold, given = self.grep(rel_paths)
                self.assertEqual(given, [rel_paths])
                self.assertEqual(self.grep(rel_paths), (cold, []))  # warm: no grep at all
                self.write("fs/a/f0.c", "void f0(void) { memalloc_nofs_save(); }\n")  # now matches
                self.write("fs/a/f1.c", "int y;\n")                                   # no longer
                self.write("fs/a/new.c", "void n(void) { memalloc_noio_save(); }\n")  # added
                os.unlink(os.path.join(self.root, "fs/a/f3.c"))                       # removed
                time.sleep(graphcache.RACY_NS / 1e9 + 0.2)
                got, given = self.grep(rel_paths)
                self.assertEqual(given, [["fs/a/f0.c", "fs/a/f1.c", "fs/a/new.c"]])
                self.assertEqual(got, words._grep(KernelTree(self.root), "memalloc_nofs_save|memalloc_noio_save",
                                                  rel_paths))
                self.assertEqual(got["memalloc_nofs_save"], {"fs/a/f0.c"})
                # put back for the next subtest
                self.write("fs/a/f0.c", "int x;\n")
                self.write("fs/a/f1.c", "void f1(void) { memalloc_nofs_save(); }\n")
                self.write("fs/a/f3.c", "void f3(void) { memalloc_nofs_save(); }\n")
                os.unlink(os.path.join(self.root, "fs/a/new.c"))
                time.sleep(graphcache.RACY_NS / 1e9 + 0.2)


class CachePruning(unittest.TestCase):
    """core/cachedir.prune, which every cache's housekeeping goes through: the entries of all
    the directories it is given compete, a writer's temporary file is no entry and goes only
    once it is old (the word greps' answers counted them as entries: a killed writer's file
    stayed until it aged out of the 400 kept)."""

    def test_most_recent_kept_across_dirs_tmp_apart(self):
        top = tempfile.mkdtemp(prefix="gfpscope-prune.")
        self.addCleanup(shutil.rmtree, top, ignore_errors=True)
        now, made = time.time(), []
        for i in range(5):
            p = os.path.join(top, "d%d" % (i % 2), "e%d" % i)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            open(p, "w").close()
            os.utime(p, (now - 100 * i, now - 100 * i))
            made.append(p)
        old_tmp, new_tmp = os.path.join(top, "d1", ".e9.x.tmp"), os.path.join(top, "d0", ".e8.y.tmp")
        for p, age in ((old_tmp, 2 * cachedir.STALE_TMP_S), (new_tmp, 1)):
            open(p, "w").close()
            os.utime(p, (now - age, now - age))
        other = os.path.join(top, "d0", "notes")  # not an entry by is_entry: never counted, never removed
        open(other, "w").close()
        os.utime(other, (now - 10**6, now - 10**6))
        cachedir.prune(cachedir.subdirs(top), 3, lambda n: n.startswith("e"))
        self.assertEqual([os.path.exists(p) for p in made], [True, True, True, False, False])
        self.assertEqual((os.path.exists(old_tmp), os.path.exists(new_tmp), os.path.exists(other)),
                         (False, True, True))
        self.assertEqual(cachedir.subdirs(top, leave_out=("d1",)), [os.path.join(top, "d0")])
