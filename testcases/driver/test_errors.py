"""Bad input gets one clear line and exit status 2."""
import os

from util import SMALL, CliCase


class BadInput(CliCase):
    def check(self, args, want, env=None):
        r = self.gfpscope(*args, env=env)
        self.assertEqual(r.returncode, 2, r.stderr)
        lines = r.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertIn(want, lines[0])
        self.assertFalse(os.path.exists(os.path.join(self.out, "sites.json")))

    def test_no_tree(self):
        self.check(["scan", "--kdir", os.path.join(self.tmp, "nope"), "--out", self.out], "no such directory")

    def test_file_not_tree(self):
        f = os.path.join(self.tmp, "file")
        open(f, "w").close()
        self.check(["scan", "--kdir", f, "--out", self.out], "is a file, not a kernel tree")

    def test_not_kernel_tree(self):
        d = os.path.join(self.tmp, "notkernel")
        os.makedirs(d)
        with open(os.path.join(d, "Makefile"), "w") as f:
            f.write("all:\n\ttrue\n")
        self.check(["scan", "--kdir", d, "--out", self.out], "not a kernel tree")

    def test_spatch_missing(self):
        env = dict(self.env, GFPSCOPE_SPATCH="/nonexistent/spatch")
        self.check(["scan", "--kdir", SMALL, "--out", self.out], "spatch not found", env=env)

    def test_spatch_too_old(self):
        fake = os.path.join(self.tmp, "spatch")
        with open(fake, "w") as f:
            f.write("#!/bin/sh\necho 'spatch version 1.0.4 compiled with OCaml version 4.05.0'\n")
        os.chmod(fake, 0o755)
        env = dict(self.env, GFPSCOPE_SPATCH=fake)
        self.check(["scan", "--kdir", SMALL, "--out", self.out], "too old", env=env)

    def test_out_inside_tree(self):
        self.check(["scan", "--kdir", SMALL, "--out", os.path.join(SMALL, "out")], "inside the kernel tree")

    def test_path_not_in_tree(self):
        self.check(["scan", "--kdir", SMALL, "--out", self.out, "fs/nothere"], "no such file or directory")

    def test_no_command(self):
        r = self.gfpscope()
        self.assertEqual(r.returncode, 2)


class MissingPythonPackage(CliCase):
    """A Debian python3-* package the command needs is missing: one line naming the package, exit 2."""

    def test_matplotlib_missing_for_report(self):
        import shutil
        from util import REPO
        out = os.path.join(self.tmp, "out")
        os.makedirs(out)
        for name in ("sites.json", "census.json", "scopes.json"):
            shutil.copy(os.path.join(REPO, "reports",
                                     "linux-6.1", name), out)
        # a matplotlib that cannot be imported shadows Debian's
        fake = os.path.join(self.tmp, "fake")
        os.makedirs(os.path.join(fake, "matplotlib"))
        with open(os.path.join(fake, "matplotlib", "__init__.py"), "w") as f:
            f.write("raise ImportError('No module named matplotlib')\n")
        env = dict(self.env, PYTHONPATH=fake)
        r = self.gfpscope("report", "--out", out, env=env)
        self.assertEqual(r.returncode, 2, r.stderr)
        lines = r.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertIn("python3-matplotlib is not installed", lines[0])
        self.assertFalse(os.path.exists(os.path.join(out, "report.html")))


class BadSitesJson(CliCase):
    """Every command that reads sites.json back reads it through one loader with a schema
    check: a file of another shape is one line and exit 2, never a traceback."""
    GOOD = {"file": "fs/foofs/super.c", "line": 17, "col": 20, "kind": "nofs", "flags": "GFP_NOFS",
            "function": "f", "call": "kmalloc", "parsed": True, "verdict": "convert",
            "reason": "local-scope", "confidence": "high", "evidence": ["f"]}
    CASES = [
        ("null", None, "a JSON NoneType, not a list of sites"),
        ("numbers", [1, 2], "record 0 is not an object"),
        ("object", {"file": "x"}, "a JSON dict, not a list of sites"),
        ("string line", [dict(GOOD, line="17")], "record 0: 'line' is a string"),
        ("unknown kind", [dict(GOOD, kind="nowhere")], "record 0: 'kind' is 'nowhere'"),
        ("missing field", [{k: v for k, v in GOOD.items() if k != "col"}], "record 0 has no 'col'"),
    ]
    COMMANDS = [["patch", "--kdir", SMALL], ["series", "--kdir", SMALL],
                ["whatif", "--kdir", SMALL, "--scope", "a:b"], ["report"]]

    def test_table(self):
        import json
        os.makedirs(self.out)
        for name, content, why in self.CASES:
            with open(os.path.join(self.out, "sites.json"), "w") as f:
                json.dump(content, f)
            for cmd in self.COMMANDS:
                with self.subTest(case=name, command=cmd[0]):
                    r = self.gfpscope(*cmd, "--out", self.out)
                    self.assertEqual(r.returncode, 2, r.stderr)
                    self.assertNotIn("Traceback", r.stderr)
                    self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
                    self.assertIn("sites.json is not what this gfpscope's scan writes (" + why, r.stderr)
