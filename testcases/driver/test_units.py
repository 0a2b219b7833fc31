"""Unit tests of the pieces: subsystems, MAINTAINERS patterns, atomic writes."""
import os
import tempfile
import unittest

import util  # noqa: F401  (puts scripts/ on sys.path)
from gfpscope_lib.core import atomic
from gfpscope_lib.collect.subsystems import _parse_maintainers, _pattern_match, dir_subsystem


class DirSubsystem(unittest.TestCase):
    def test_two_level(self):
        self.assertEqual(dir_subsystem("fs/btrfs/ctree.c"), "fs/btrfs")
        self.assertEqual(dir_subsystem("drivers/md/dm-bufio.c"), "drivers/md")
        self.assertEqual(dir_subsystem("net/sunrpc/xprt.c"), "net/sunrpc")

    def test_one_level(self):
        self.assertEqual(dir_subsystem("fs/buffer.c"), "fs")
        self.assertEqual(dir_subsystem("mm/vmalloc.c"), "mm")
        self.assertEqual(dir_subsystem("block/bio.c"), "block")


class MaintainersPatterns(unittest.TestCase):
    def test_parse_skips_preamble(self):
        secs = _parse_maintainers("Intro\n\tF: *Files* example\n\nFOO\nM:\tx\nF:\tfs/foo/\n\nBAR\nN:\tbar\n")
        self.assertEqual([s[0] for s in secs], ["FOO", "BAR"])
        self.assertEqual(secs[0][1], ["fs/foo/"])

    def test_patterns(self):
        self.assertTrue(_pattern_match("fs/foo/", "fs/foo/a/b.c", "/"))
        self.assertFalse(_pattern_match("fs/foo/", "fs/foobar/b.c", "/"))
        self.assertTrue(_pattern_match("fs/*.c", "fs/a.c", "/"))
        self.assertFalse(_pattern_match("fs/*.c", "fs/x/a.c", "/"))
        self.assertTrue(_pattern_match("include/linux/foo.h", "include/linux/foo.h", "/"))


class FactCacheNames(unittest.TestCase):
    def test_entry_names_the_file_that_asks(self):
        """Two files of one content share an entry; each reads records that name itself
        (an entry that kept the first file's path gave its facts to the second file's
        positions), and a merged time-out keeps the functions that did not finish."""
        import tempfile
        from gfpscope_lib.collect import spatch
        from gfpscope_lib.core import paths
        with tempfile.TemporaryDirectory() as tmp, open(os.path.join(tmp, "r.cocci"), "w") as rule:
            rule.write("@@\n@@\n- a\n")
            rule.flush()
            old = os.environ.get("GFPSCOPE_CACHE")
            os.environ["GFPSCOPE_CACHE"] = os.path.join(tmp, "cache")
            try:
                self.assertTrue(paths.cache_home().startswith(tmp))
                c = spatch.FactCache(rule.name, "1.1.1", {})
                rec = {"t": "scall", "file": "fs/a/x.c", "line": 3, "col": 1, "caller": "f", "note": "fs/a/x.c"}
                c.put("d" * 40, {"status": "timeout", "records": [rec], "detail": "t",
                                 "functions_failed": ["g"]}, "./fs/a/x.c")
                got = c.get("d" * 40, "fs/b/x.c")
            finally:
                if old is None:
                    del os.environ["GFPSCOPE_CACHE"]
                else:
                    os.environ["GFPSCOPE_CACHE"] = old
        self.assertEqual(got["records"], [dict(rec, file="fs/b/x.c", note="fs/b/x.c")])
        self.assertEqual((got["status"], got["functions_failed"]), ("timeout", ["g"]))

    def test_joined_results(self):
        from gfpscope_lib.collect.spatch import joined
        ok = {"status": "ok", "records": [{"a": 1}], "detail": ""}
        part = {"status": "timeout", "records": [{"b": 2}], "detail": "x", "functions_failed": ["g"]}
        whole = {"status": "timeout", "records": [], "detail": "y"}
        self.assertEqual(joined(ok, ok)["records"], [{"a": 1}, {"a": 1}])
        self.assertEqual((joined(ok, part)["status"], joined(ok, part)["functions_failed"]), ("timeout", ["g"]))
        self.assertNotIn("functions_failed", joined(part, whole))  # a whole-file failure wins
        self.assertEqual(joined(part, whole)["detail"], "y")
        self.assertEqual(joined(ok, part, records=[])["records"], [])


class IntegerDeclarations(unittest.TestCase):
    def test_last_declaration_decides(self):
        """tokenguard._integer: a made-up handle is cast from a name declared an integer."""
        from gfpscope_lib.analyse.tokenguard import _integer
        cases = {"{ unsigned long ref;": True, "f(int ref)": True, "{ u64 ref = 3;": True,
                 "{ const unsigned int ref, b;": True, "{ long long ref;": True,
                 "{ char *ref;": False, "{ char* ref;": False, "{ int*ref;": False,
                 "{ unsigned long ref[4];": False, "(struct foo **ref,": False,
                 "{ unsigned long x; char *ref;": False, "{ x = ref;": False, "(void) ref;": False,
                 "{ static unsigned long ref;": False}
        self.assertEqual({b: _integer(b, "ref") for b in cases}, cases)

    def test_a_long_run_of_words_is_read_once(self):
        """A run of words with no declaration of the name (comment-blanked prose, a macro
        list): the words split one way only (a regex that split them every way took 155 s
        on linux-6.12; with 40 words it would not end)."""
        from gfpscope_lib.analyse.tokenguard import _integer
        run = "; " + " ".join(f"word{i}" for i in range(40)) + " x"
        self.assertFalse(_integer(run * 50, "ref"))
        self.assertTrue(_integer(run * 50 + "; unsigned long ref;", "ref"))


class AtomicWrite(unittest.TestCase):
    def test_replace_leaves_no_temp(self):
        d = tempfile.mkdtemp()
        p = os.path.join(d, "x.json")
        atomic.write_json(p, {"a": 1})
        atomic.write_json(p, {"a": 2})
        self.assertEqual(os.listdir(d), ["x.json"])
        with open(p) as f:
            self.assertIn('"a": 2', f.read())


class Counts(unittest.TestCase):
    """emit/counts.py, the one grouping of the census, the report, history and diff."""

    def test_rows_columns_and_order(self):
        from gfpscope_lib.emit import counts
        sites = [{"subsystem": "b", "kind": "nofs", "parsed": True, "verdict": "convert", "reason": "r2"},
                 {"subsystem": "a", "kind": "noio", "parsed": False, "verdict": "keep", "reason": "r1"},
                 {"subsystem": "b", "kind": "noio", "parsed": True, "verdict": None, "reason": None},
                 {"subsystem": None, "kind": "nofs", "parsed": True, "verdict": "keep", "reason": "r0"},
                 {"subsystem": "c", "kind": "nofs", "parsed": True, "verdict": "keep", "reason": "r3"}]
        reason = counts.Tally("by_reason", lambda s: s["reason"], ["r3"])
        rows = counts.group(sites, "subsystem", [counts.KIND, counts.TOTAL, counts.VERDICT, counts.LEFT, reason])
        # most sites first, then by name; a site with no subsystem in "(none)"
        self.assertEqual([r["subsystem"] for r in rows], ["b", "(none)", "a", "c"])
        self.assertEqual(list(rows[0]), ["subsystem", "nofs", "noio", "total", "convert", "keep",
                                         "left_nofs", "left_noio", "by_reason"])
        self.assertEqual(rows[0], {"subsystem": "b", "nofs": 1, "noio": 1, "total": 2, "convert": 1, "keep": 0,
                                   "left_nofs": 0, "left_noio": 1, "by_reason": {"r2": 1}})
        t = counts.total(sites, [counts.every("sites"), counts.PARSED, reason])
        self.assertEqual(t, {"sites": 5, "parsed": 4, "unparsed": 1,
                             "by_reason": {"r3": 1, "r0": 1, "r1": 1, "r2": 1}})
        self.assertEqual(list(t["by_reason"]), ["r3", "r0", "r1", "r2"])  # the order given, then sorted
        self.assertEqual(counts.total([], [counts.TOTAL, reason]), {"total": 0, "by_reason": {}})
        # another rank, and a key that is a function
        rows = counts.group(sites, lambda s: s["kind"], [counts.TOTAL, counts.VERDICT],
                            rank=lambda r: -r["keep"])
        self.assertEqual([(r["subsystem"], r["keep"]) for r in rows], [("nofs", 2), ("noio", 1)])


class SharedNameLists(unittest.TestCase):
    """The scope-ending list is written in two SmPL files (SmPL has no include), as a regex in
    the local rule (and as a Python regex there) and as Python data in the scoped-calls rule:
    keep them equal."""

    def test_every_copy_of_the_list_is_the_same(self):
        import ast
        import re
        from gfpscope_lib.core import paths
        from gfpscope_lib.analyse import rulepatterns
        want = rulepatterns.scope_enders().pattern
        with open(os.path.join(paths.COCCI, "gfp_scope_redundant.cocci"), encoding="utf-8") as f:
            copies = re.findall(r'identifier rf =~ "([^"]+)";', f.read())
        self.assertGreaterEqual(len(copies), 4)  # mend, cand and u2 of each kind at least
        self.assertEqual(set(copies), {want})
        # and once as Python, for the rules about the node of a site (gfpscope_rf)
        with open(os.path.join(paths.COCCI, "gfp_scope_redundant.cocci"), encoding="utf-8") as f:
            self.assertEqual(re.findall(r'gfpscope_rf = re.compile\(r"([^"]+)"\)', f.read()), [want])
        # the scoped-calls rule holds it as data: SCALL_RF's names and SCALL_RF_RE's patterns
        with open(os.path.join(paths.COCCI, "facts", "scoped_calls.cocci"), encoding="utf-8") as f:
            text = f.read()
        names = ast.literal_eval(re.search(r"SCALL_RF = (\{.*?\})", text, re.S).group(1))
        patterns = re.search(r'SCALL_RF_RE = re.compile\(r"([^"]+)"\)', text).group(1).split("|")
        alternatives = re.fullmatch(r"\^\((.*)\)\$", want).group(1).split("|")
        self.assertEqual(set(alternatives), set(names) | set(patterns))
        self.assertGreater(len(names), 10)


class SharedFlagsParser(unittest.TestCase):
    """Which flags open a scope is decided by the same Python in the local rule and in the
    scoped-calls rule (SmPL has no include): keep the two copies the same."""

    def test_both_rules_read_flags_alike(self):
        import re
        from gfpscope_lib.core import paths

        def body(rel, name):
            with open(os.path.join(paths.COCCI, rel), encoding="utf-8") as f:
                text = f.read()
            m = re.search(r"\ndef %s\(\w+\):\n(.*?)\n\n" % name, text, re.S)
            self.assertIsNotNone(m, f"{rel}: no {name}()")
            return re.sub(r"\b(e|flags)\b", "X", m.group(1))
        self.assertEqual(body("gfp_scope_redundant.cocci", "gfpscope_pf_set"),
                         body(os.path.join("facts", "scoped_calls.cocci"), "scall_pf_set"))


class ReadmeErrorTable(unittest.TestCase):
    """The README's table of bad inputs and faults names, for each case, the test that checks
    it: that test must exist, and the message the row quotes must be what some code says."""

    def rows(self):
        import re
        with open(os.path.join(util.REPO, "README.md"), encoding="utf-8") as f:
            text = f.read()
        table = text.split("## Exit status and errors", 1)[1].split("\n## ", 1)[0]
        for line in table.splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) == 3 and cells[2].startswith("`test_"):
                yield cells[0], cells[1], re.findall(r"`(test_[a-z_]+\.[A-Za-z_]+(?:\.[a-z_0-9]+)?)`", cells[2])

    def test_every_named_test_exists(self):
        import importlib
        rows = list(self.rows())
        self.assertGreater(len(rows), 40)
        for case, _, tests in rows:
            self.assertTrue(tests, case)
            for name in tests:
                mod, *attrs = name.split(".")
                obj = importlib.import_module(mod)
                for a in attrs:
                    self.assertTrue(hasattr(obj, a), f"README row '{case}': no test {name}")
                    obj = getattr(obj, a)

    def test_quoted_messages_are_in_the_code(self):
        import glob
        import re
        lib = os.path.join(util.REPO, "scripts", "gfpscope_lib")
        code = ""
        # the library, and the tests (a missing browser is the tests' own message)
        for path in glob.glob(os.path.join(lib, "**", "*.py"), recursive=True) + glob.glob(os.path.join(util.HERE, "test_*.py")):
            with open(path, encoding="utf-8") as f:
                code += f.read()
        # one literal per message: join implicitly concatenated literals, and let each
        # f-string field stand for whatever the README writes there
        code = re.sub(r"[\"']\s*\n\s*f?[\"']", "", code)
        code = re.sub(r"\{[^{}\n]*\}", "\0", code).replace("\\'", "'")
        checked, missing = 0, []
        for case, what, _ in self.rows():
            for quote in re.findall(r"`([^`]+)`", what):
                # the longest literal run between placeholders (DIR, FILE, ...), "..." and {fields}
                quote = quote.removeprefix("gfpscope: ")  # the command line adds it
                pieces = re.split(r"\.\.\.|\b[A-Z][A-Z0-9_]*\b|[{}]|(?<![\w-])\d+(?:\.\d+)+|[\w/]*\.json|--[a-z-]+",
                                  quote)
                piece = max((p.strip(" :'") for p in pieces), key=len)
                if len(piece.split()) < 3:
                    continue  # a file name or an option, not a message
                checked += 1
                if piece not in code:
                    missing.append(f"{case}: {piece!r}")
        self.maxDiff = None
        self.assertEqual(missing, [], "README rows quote messages no code writes")
        self.assertGreater(checked, 20)


class Masking(unittest.TestCase):
    """masking: blank the bodies a rule cannot match in (gfplex --bodies gives them, graph
    mode's walk), every position kept."""
    SRC = b"""static const struct ops o = { .open = f_open, };   /* an initializer: kept */
struct s { int a; };
static int f_open(void)
{
	char *s = "} {";  /* a brace in a string */
	return g('}');
}
static int uses(int x) __releases(x)
{
	int c = memalloc_nofs_save();
	kmalloc(8, GFP_NOFS);
	memalloc_nofs_restore(c);
	return 0;
}
static void with_define(void)
{
#define LOCAL_MACRO(x) (x)
	LOCAL_MACRO(1);
}
static void spaced_define(void)
{
#  define SPACED(x) (x)
	SPACED(1);
}
static void with_pragma(void)
{
#pragma once
	h(1);
}
static void with_ifdef(void)
{
#ifdef CONFIG_A
	if (a) {
#else
	if (b) {
#endif
		h(2);
	}
}
"""

    @staticmethod
    def masked(src, keep):
        from gfpscope_lib.collect import masking
        return masking.mask_all({"f.c": src}, keep)["f.c"]

    def test_blanks_only_unwanted_bodies_and_keeps_positions(self):
        from gfpscope_lib.collect import masking
        m = self.masked(self.SRC, masking.words_keeper(body_words=["memalloc_nofs_save"]))
        self.assertEqual(len(m), len(self.SRC))
        self.assertEqual(m.count(b"\n"), self.SRC.count(b"\n"))
        self.assertNotIn(b"return g(", m)                      # f_open's body is blanked
        self.assertIn(b"static int f_open(void)\n{", m)        # its header is not
        self.assertIn(b"{ .open = f_open, }", m)               # initializer kept
        self.assertIn(b"struct s { int a; };", m)              # struct kept
        self.assertIn(b"kmalloc(8, GFP_NOFS);", m)             # the body with a start kept
        self.assertIn(b"#define LOCAL_MACRO", m)               # a body with a #define kept
        self.assertIn(b"#  define SPACED", m)                  # ... however it is spelled
        self.assertIn(b"#pragma once", m)                      # another directive: kept
        self.assertNotIn(b"h(2);", m)                          # a whole #if group: blanked
        self.assertNotIn(b"#ifdef CONFIG_A", m)
        for a, b in zip(self.SRC.splitlines(), m.splitlines()):
            if a != b:
                self.assertEqual(b.strip(), b"", "a changed line must be blank")

    def test_kept_by_name_in_the_header(self):
        from gfpscope_lib.collect import masking
        m = self.masked(self.SRC, masking.words_keeper(header_words=["f_open"]))
        self.assertIn(b"return g('}');", m)
        self.assertNotIn(b"memalloc_nofs_save", m)

    def test_two_headers_in_if_branches_are_kept(self):
        """A header written twice in #if branches: two ranges with one close, each holding
        an #else or #endif of a group opened outside it. Blanking either would break the
        #if group: both are kept, and the rest of the file is masked."""
        src = b"#ifdef A\nint f(int a) {\n#else\nint f(void) {\n#endif\n\treturn 0;\n}\nint g(void) { return 1; }\n"
        m = self.masked(src, lambda h, b: False)
        self.assertIn(b"#else\nint f(void) {\n#endif\n\treturn 0;\n}", m)
        self.assertNotIn(b"return 1;", m)
        self.assertEqual(len(m), len(src))

    def test_braces_of_a_define_and_of_dead_code_are_no_body(self):
        """Functions written inside a #define (lib/locking-selftest.c's GENERATE_TESTCASE)
        and in #if 0 are not bodies: blanking inside the macro would cut its line
        splices. A real body after a ")" in a comment is one."""
        src = (b"#define GEN(name)\t\\\nstatic void name(void) {\t\\\n\tfoo();\t\\\n}\n"
               b"#if 0\nstatic void dead(void)\n{\n\tbar();\n}\n#endif\n"
               b"static int pick(int len)\t/* length (bytes) */\n{\n\treturn len;\n}\n")
        m = self.masked(src, lambda h, b: False)
        self.assertIn(b"{\t\\\n\tfoo();\t\\\n}\n", m)
        self.assertIn(b"\tbar();\n", m)
        self.assertNotIn(b"return len;", m)
        self.assertEqual(len(m), len(src))

    def test_unbalanced_walk_leaves_the_file_whole(self):
        from gfpscope_lib.collect import masking
        src = b"int g(void) { return 1; }\n}\nint h(void) { return 2; }\n"
        self.assertEqual(masking.bodies([src]), [None])
        self.assertEqual(self.masked(src, lambda h, b: False), src)
        src = b"#if A\nint f(int a) {\n\ta++;\n#elif B\nint f(int a) {\n\treturn a;\n}\n#endif\nint g(void) { return 1; }\n"
        self.assertEqual(masking.bodies([src]), [None])
        self.assertEqual(self.masked(src, lambda h, b: False), src)

    def test_shards_keep_one_accepted_body_each(self):
        """A shard keeps one function keep accepts and blanks the others it accepts; bodies
        keep rejects are blanked in every shard, those it cannot blank are in every shard."""
        from gfpscope_lib.collect import masking
        src = (b"int f(void) { return a(); }\nint g(void) { return a(); }\n"
               b"int h(void) { return 3; }\nint m(void) {\n#define Q 1\n return a(); }\n")
        (ranges,) = masking.bodies([src])
        keep = lambda h, b: b"a()" in b  # noqa: E731
        self.assertEqual(masking.shards(src, keep, ranges), [(0, "f"), (1, "g")])
        one = masking.mask(src, keep, ranges, only={1})
        self.assertEqual(len(one), len(src))
        self.assertNotIn(b"{ return a(); }\nint g", one)   # f blanked
        self.assertIn(b"int g(void) { return a(); }", one)  # g kept
        self.assertNotIn(b"return 3", one)                   # rejected: blanked
        self.assertIn(b"#define Q 1", one)                   # cannot be blanked: kept
        self.assertEqual(masking.mask(src, keep, ranges), masking.mask(src, keep, ranges, only={0, 1}))

    def test_ranges_that_do_not_fit_leave_the_file_whole(self):
        from gfpscope_lib.collect import masking
        src = b"int f(void) { if (x) { return 1; } }\nint g(void) { return 2; }\n"
        (ranges,) = masking.bodies([src])
        self.assertEqual([(src[o:o + 1], src[c:c + 1], name) for o, c, _, name in ranges],
                         [(b"{", b"}", "f"), (b"{", b"}", "g")])
        never = lambda h, b: False  # noqa: E731
        self.assertNotEqual(masking.mask(src, never, ranges), src)
        for bad in ([(ranges[0][0] + 1, ranges[0][1], "-")],            # not a "{"
                    [(ranges[0][0], len(src) + 5, "-")],                 # past the end
                    [ranges[1], ranges[0]]):                             # out of order
            self.assertEqual(masking.mask(src, never, bad), src, bad)
        # overlapping ranges are kept, the others blanked
        inner = src.index(b"{", ranges[0][0] + 1)
        m = masking.mask(src, never, [ranges[0], (inner, ranges[0][1], "-"), ranges[1]])
        self.assertIn(b"return 1;", m)
        self.assertNotIn(b"return 2;", m)
        # a body whose directives cross its braces, or hold a #define, is kept
        for pp in ("cross", "define", "other"):
            self.assertEqual(masking.mask(src, never, [(ranges[0][0], ranges[0][1], pp)]), src, pp)

    def test_one_gfplex_process_for_all_files(self):
        from unittest import mock
        from gfpscope_lib.collect import masking
        real, calls = masking.subprocess.run, []

        def run(*a, **k):
            calls.append(a[0])
            return real(*a, **k)
        files = {f"f{i}.c": b"int f%d(void) { return %d; }\n" % (i, i) for i in range(5)}
        files["bad.c"] = b"}\n"
        with mock.patch.object(masking.subprocess, "run", run):
            out = masking.mask_all(files, lambda h, b: b"3" in b)
        self.assertEqual(len(calls), 1, calls)
        self.assertEqual(out["bad.c"], b"}\n")
        self.assertIn(b"return 3;", out["f3.c"])
        self.assertEqual([k for k in out if b"return" in out[k]], ["f3.c"])


class GraphFold(unittest.TestCase):
    """callgraph.Graph.fold: what each record kind puts in the tables, with call positions
    kept only in the position files."""

    RECORDS = ["F\t4\n",
               "FN\ta.c\tf\t0\t0\t1\t5\n", "CALL\ta.c\tf\tkmalloc\t2\t1\n", "CALL\ta.c\tf\tkmalloc\t3\t1\n",
               "CALL\ta.c\tf\tmemalloc_nofs_restore\t4\t1\n",
               "MACRO\tb.h\tM\t1\n", "CALL\tb.h\tM\tg\t1\t20\n", "CALL\tb.h\tM\tmemalloc_noio_restore\t1\t30\n",
               "FN\tc.c\tg\t1\t0\t1\t9\n", "CALL\tc.c\tg\tf\t3\t2\n", "REF\tc.c\tg\tf\t4\t3\tops\n",
               "FN\td.c\tg\t1\t0\t1\t9\n", "CALL\td.c\tg\tf\t5\t2\n", "CALL\td.c\th\tf\t6\t2\n",
               "EXPORT\td.c\th\n", "ICALL\td.c\th\talloc\t7\t1\n", "CALL\tc.c\tg\tf\t8\t2\n"]

    def fold(self, positions):
        from gfpscope_lib.analyse import callgraph
        g = callgraph.Graph(positions)
        g.fold(iter(self.RECORDS))
        return g

    def test_records_of_each_kind(self):
        g = self.fold(())
        self.assertEqual((g.defined, g.macros, g.nonstatic, g.exported, g.files), ({"f", "g", "M"}, {"M"}, {"f"}, {"h"}, 4))
        self.assertEqual(g.def_files, {"f": ("a.c",), "M": ("b.h",), "g": ("c.c", "d.c")})
        self.assertEqual((g.static_c, g.nonstatic_c), ({("g", "c.c"), ("g", "d.c")}, {("f", "a.c")}))
        self.assertEqual((g.refs, g.ops_member_of, g.icalls), ({"f": ("g", "c.c", 4)}, {"f": ("ops",)}, {"alloc": {"h"}}))
        self.assertEqual(g.ends_scope, {"f", "M"})  # they call a restore
        self.assertEqual(g.macro_callees, {"M": ("g", "memalloc_noio_restore")})

    def test_finish_splits_statics_and_freezes_small_tables(self):
        # g is static in c.c and in d.c: two nodes; the name-to-names tables become sorted
        # tuples (the memory of linux-6.12's graph: a set of one costs 216 bytes, a tuple 48)
        g = self.fold(())
        g.finish()
        self.assertEqual((g.split, g.shared), ({"g": {"c.c", "d.c"}}, set()))
        self.assertEqual(g.def_files, {"f": ("a.c",), "M": ("b.h",), "g": ("c.c", "d.c")})
        self.assertEqual((g.macro_callees, g.ops_member_of), ({"M": ("g", "memalloc_noio_restore")}, {"f": ("ops",)}))

    def test_call_positions_only_in_position_files(self):
        g = self.fold(())
        self.assertEqual(g.calls, {})
        self.assertEqual(g.plain, {"kmalloc": {"f": "a.c"}, "memalloc_nofs_restore": {"f": "a.c"},
                                   "g": {"M": "b.h"}, "memalloc_noio_restore": {"M": "b.h"},
                                   "f": {"g": "c.c", "h": "d.c"}})
        self.assertEqual(g.multi_files, {("f", "g"): {"c.c", "d.c"}})  # g calls f from two files
        g = self.fold(("a.c",))
        self.assertEqual(g.calls, {"kmalloc": [("f", "a.c", 2, 1), ("f", "a.c", 3, 1)],
                                   "memalloc_nofs_restore": [("f", "a.c", 4, 1)]})
        self.assertNotIn("kmalloc", g.plain)
        g = self.fold(("c.c", "d.c"))
        self.assertEqual(g.calls, {"f": [("g", "c.c", 3, 2), ("g", "d.c", 5, 2), ("h", "d.c", 6, 2), ("g", "c.c", 8, 2)]})
        self.assertNotIn("f", g.plain)
        self.assertEqual(g.multi_files, {})
        self.assertEqual(g.ends_scope, {"f", "M"})
