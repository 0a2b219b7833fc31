"""Unit tests of the pieces: subsystems, MAINTAINERS patterns, atomic writes."""
import os
import tempfile
import unittest

import util  # noqa: F401  (puts scripts/ on sys.path)
from gfpscope_lib import atomic
from gfpscope_lib.subsystems import _parse_maintainers, _pattern_match, dir_subsystem


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


class AtomicWrite(unittest.TestCase):
    def test_replace_leaves_no_temp(self):
        d = tempfile.mkdtemp()
        p = os.path.join(d, "x.json")
        atomic.write_json(p, {"a": 1})
        atomic.write_json(p, {"a": 2})
        self.assertEqual(os.listdir(d), ["x.json"])
        with open(p) as f:
            self.assertIn('"a": 2', f.read())


class SharedNameLists(unittest.TestCase):
    """The scope-ending list is written in two SmPL files (SmPL has no include): keep them equal."""

    def test_scoped_calls_uses_the_local_rules_list(self):
        from gfpscope_lib import paths, rulepatterns
        facts = os.path.join(paths.COCCI, "facts", "scoped_calls.cocci")
        self.assertEqual(rulepatterns.identifier_regex("rf", facts).pattern,
                         rulepatterns.scope_enders().pattern)
