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
