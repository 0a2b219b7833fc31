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


def scanned(ws):
    """A scan of the small tree in ws.out (sites.json with its proofs, census, scopes, providers)."""
    r = ws.gfpscope("scan", "-q", "--kdir", SMALL, "--out", ws.out)
    assert r.returncode == 0, r.stderr
    return {n: ws.load(n) for n in ("sites.json", "census.json", "scopes.json", "providers.json")}


def small_repo(tmp):
    """The small tree as a git repository of one commit, for history --scan."""
    import shutil
    import subprocess
    repo = os.path.join(tmp, "repo")
    shutil.copytree(SMALL, repo)
    git = ["git", "-C", repo, "-c", "user.name=t", "-c", "user.email=t@localhost"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "r1"]):
        subprocess.run(git + args, check=True, capture_output=True)
    return repo


class BadSitesJson(CliCase):
    """Every command that reads sites.json back reads it through one loader with a shape
    check (core/sites.py, core/readback.py): a file of another shape is one line and exit 2,
    never a traceback. Each case is a change to the small tree's own scan."""
    CONVERT = 4  # the small tree's caller-scope convert, with a proof chain

    def edit(**kw):
        def apply(sites):
            for k, v in kw.items():
                sites[0][k] = v
            return sites
        return apply

    def edit_proof(change):
        def apply(sites):
            change(sites[BadSitesJson.CONVERT]["proof"])
            return sites
        return apply

    CASES = [
        ("null", lambda s: None, "the file is null, not a list"),
        ("numbers", lambda s: [1, 2], "record 0 is a number, not an object"),
        ("object", lambda s: {"file": "x"}, "the file is an object, not a list"),
        ("string line", edit(line="17"), "record 0: line is a string, not a number"),
        ("unknown kind", edit(kind="nowhere"), "record 0: kind is 'nowhere', not one of "),
        ("missing field", lambda s: [{k: v for k, v in s[0].items() if k != "col"}], "record 0 has no 'col'"),
        ("path outside the tree", edit(file="../../etc/passwd"), "record 0: file is '../../etc/passwd', "
                                                                  "not a path inside the tree"),
        ("newline in path", edit(file="fs/a\nb.c"), "record 0: file is 'fs/a\\nb.c', not a path inside the tree"),
        ("evidence of numbers", edit(evidence=[1]), "record 0: evidence[0] is a number, not a string"),
        ("number as maintainers", edit(maintainers=1), "record 0: maintainers is a number"),
        ("verdict without reason", edit(reason=None), "record 0: a keep verdict with no reason or confidence"),
        ("proof chain edge without caller", edit_proof(lambda p: p["chain"][0].pop("caller")),
         "record 4: proof.chain[0] has no 'caller'"),
        ("proof scope a number", edit_proof(lambda p: p.update(scope=1)),
         "record 4: proof.scope is a number, not an object"),
        ("proof files a list", edit_proof(lambda p: p.update(files=[])),
         "record 4: proof.files is a list, not an object"),
        ("proof call without file", edit_proof(lambda p: p.update(call={"callee": "kmalloc"})),
         "record 4: proof.call has no 'file'"),
    ]
    COMMANDS = [["patch", "--kdir", SMALL], ["series", "--kdir", SMALL],
                ["whatif", "--kdir", SMALL, "--scope", "a:b"], ["report"], ["history --scan"]]

    def test_table(self):
        import json
        good = scanned(self)["sites.json"]
        self.assertEqual(good[self.CONVERT]["reason"], "caller-scope")
        repo = small_repo(self.tmp)
        for name, change, why in self.CASES:
            with open(os.path.join(self.out, "sites.json"), "w") as f:
                json.dump(change(json.loads(json.dumps(good))), f)
            for cmd in self.COMMANDS:
                if cmd == ["history --scan"]:
                    cmd = ["history", "--kdir", repo, "--scan", "HEAD=" + self.out, "HEAD"]
                with self.subTest(case=name, command=cmd[0]):
                    r = self.gfpscope(*cmd, "--out", self.out)
                    self.assertEqual(r.returncode, 2, r.stderr)
                    self.assertNotIn("Traceback", r.stderr)
                    self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
                    self.assertIn("sites.json is not what this gfpscope's scan writes (" + why, r.stderr)
                    self.assertIn(f"): run gfpscope scan --out {self.out} again", r.stderr)


class BadScanFiles(CliCase):
    """providers.json (whatif), census.json and scopes.json (report): each read through its
    checked loader (core/readback.py), one line and exit 2 on any other shape."""
    START = {"kind": "nofs", "shape": "plain", "how": "returns the cookie", "via": [], "declared": False}
    CASES = [
        # (file, content or change, command, why)
        ("providers.json", None, "whatif", "the file is null, not an object"),
        ("providers.json", [1], "whatif", "the file is a list, not an object"),
        ("providers.json", {"stops": []}, "whatif", "the file has no 'starts'"),
        ("providers.json", {"starts": [], "stops": []}, "whatif", "starts is a list, not an object"),
        ("providers.json", {"starts": {"a b": START}, "stops": []}, "whatif", "starts key is 'a b', not a C name"),
        ("providers.json", {"starts": {"f": dict(START, shape="round")}, "stops": []}, "whatif",
         "starts.f.shape is 'round', not one of int, plain, ptr"),
        ("providers.json", {"starts": {"f": dict(START, via=None)}, "stops": []}, "whatif",
         "starts.f.via is null, not a list"),
        ("providers.json", {"starts": {}, "stops": [3]}, "whatif", "stops[0] is a number, not a string"),
        ("census.json", 1, "report", "the file is a number, not an object"),
        ("census.json", lambda c: c["tree"].update(version="6.12"), "report", "tree.version is '6.12', not a version"),
        ("census.json", lambda c: c["totals"].update(sites="12"), "report", "totals.sites is a string, not a number"),
        ("census.json", lambda c: c["totals"].update(unparsed_by_reason=None), "report",
         "totals.unparsed_by_reason is null, not an object"),
        ("census.json", lambda c: c["by_directory"][0].pop("total"), "report", "by_directory[0] has no 'total'"),
        ("scopes.json", {"summary": 1, "findings": []}, "report", "summary is a number, not an object"),
        ("scopes.json", {"summary": {}, "findings": None}, "report", "findings is null, not a list"),
        ("scopes.json", {"summary": {}, "findings": ["x"]}, "report", "findings[0] is a string, not an object"),
    ]
    COMMANDS = {"whatif": ["whatif", "--kdir", SMALL, "--scope", "a:b"], "report": ["report"]}

    def test_table(self):
        import json
        good = scanned(self)
        for name, change, cmd, why in self.CASES:
            content = json.loads(json.dumps(good[name]))
            if callable(change):
                change(content)
            else:
                content = change
            with open(os.path.join(self.out, name), "w") as f:
                json.dump(content, f)
            with self.subTest(file=name, why=why):
                r = self.gfpscope(*self.COMMANDS[cmd], "--out", self.out)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertNotIn("Traceback", r.stderr)
                self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
                self.assertIn(f"{name} is not what this gfpscope's scan writes ({why})", r.stderr)
            with open(os.path.join(self.out, name), "w") as f:
                json.dump(good[name], f)

    def test_absent_providers_json_is_an_older_scan(self):
        scanned(self)
        os.unlink(os.path.join(self.out, "providers.json"))
        r = self.gfpscope("whatif", "--kdir", SMALL, "--scope", "a:b", "--out", self.out)
        self.assertEqual(r.returncode, 0, r.stderr)


class BadNumbers(CliCase):
    """A number an option cannot use is a usage error before any work: one line, exit 2,
    and OUT's previous scan is left as it was."""
    CASES = [
        (["scan", "--timeout", "-5"], "scan: argument --timeout: '-5' is not a number of seconds (give 1 to 86400)"),
        (["scan", "--timeout", "0"], "argument --timeout: '0' is not a number of seconds"),
        (["scan", "--timeout", "99999999999"], "'99999999999' is not a number of seconds (give 1 to 86400)"),
        (["scan", "-j", "0"], "scan: argument -j/--jobs: '0' is not a number of processes (give 1 to 1024)"),
        (["scan", "-j", "-1"], "argument -j/--jobs: '-1' is not a number of processes"),
        (["scan", "-j", "two"], "argument -j/--jobs: 'two' is not a number of processes"),
        (["whatif", "--timeout", "0", "--scope", "a:b"], "whatif: argument --timeout: '0'"),
        (["history", "-j", "0", "r1"], "history: argument -j/--jobs: '0'"),
        (["history", "--top", "0", "r1"], "history: argument --top: '0' is not a number of subsystems"),
        (["diff", "-j", "0", "r1", "r2"], "diff: argument -j/--jobs: '0'"),
        (["report", "--source-url", "{line:>5000000000}"], "--source-url {line:>5000000000}: {line:>5000000000} "
                                                           "is not allowed: use only {path}, {line}, {tag} and "
                                                           "{version}"),
        (["report", "--source-url", "{path.__class__}"], "{path.__class__} is not allowed"),
        (["report", "--source-url", "{path[0]}"], "{path[0]} is not allowed"),
        (["report", "--source-url", "{path!r}"], "{path!r} is not allowed"),
        (["report", "--source-url", "{}"], "{} is not allowed"),
        (["report", "--source-url", "x/{path"], "expected '}' before end of string"),
    ]

    def test_table(self):
        good = scanned(self)["sites.json"]
        for args, want in self.CASES:
            with self.subTest(args=args):
                where = ["--kdir", SMALL] if args[0] in ("scan", "whatif") else []
                r = self.gfpscope(*args[:1], *where, "--out", self.out, *args[1:])
                self.assertEqual(r.returncode, 2, r.stderr)
                lines = r.stderr.strip().splitlines()
                self.assertEqual(len(lines), 1, r.stderr)
                self.assertTrue(lines[0].startswith("gfpscope: "), lines[0])
                self.assertIn(want, lines[0])
                self.assertEqual(self.load("sites.json"), good)
                self.assertFalse(os.path.exists(os.path.join(self.out, "report.html")))

    def test_source_url_with_the_four_fields_and_braces(self):
        scanned(self)
        r = self.gfpscope("report", "--out", self.out, "--source-url", "https://e/{tag}/{version}/{path}#L{line}{{x}}")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("https://e/v6.12/6.12/fs/foofs/super.c#L17{x}", self.load("report.html"))

    def test_run_that_analysed_nothing_keeps_the_previous_scan(self):
        """spatch fails on every file (here a spatch that dies after --version): the scan
        is refused, exit 2, and OUT's previous files are byte for byte what they were."""
        import shutil
        scanned(self)
        before = {n: open(os.path.join(self.out, n), "rb").read() for n in os.listdir(self.out)}
        fake = os.path.join(self.tmp, "spatch")
        with open(fake, "w") as f:
            f.write(f"#!/bin/sh\ncase \"$*\" in *--version*) exec {shutil.which('spatch')} --version;; esac\n"
                    "echo 'Fatal error: exception Not_found' >&2; exit 2\n")
        os.chmod(fake, 0o755)
        env = dict(self.env, GFPSCOPE_SPATCH=fake, GFPSCOPE_CACHE=os.path.join(self.tmp, "cache2"))
        r = self.gfpscope("scan", "--kdir", SMALL, "--out", self.out, env=env)
        self.assertEqual(r.returncode, 2, r.stderr)
        lines = r.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertIn("spatch analysed none of the 5 files (the first, drivers/blk/blk.c: Fatal error: exception "
                      f"Not_found): nothing written to {self.out} (the previous scan there is kept)", lines[0])
        self.assertEqual({n: open(os.path.join(self.out, n), "rb").read() for n in os.listdir(self.out)}, before)


class InternalError(CliCase):
    """An exception no check foresaw: one line naming it and where to report, exit 3."""

    def test_one_line_exit_3(self):
        import subprocess
        from util import GFPSCOPE, PY
        broken = os.path.join(self.tmp, "broken-gfpscope")
        with open(broken, "w") as f:
            f.write(f"""import sys
sys.path.insert(0, {os.path.dirname(GFPSCOPE)!r})
from gfpscope_lib import cli
from gfpscope_lib.core import tree
def boom(self, path):
    raise RuntimeError("boom\\nsecond line")
tree.KernelTree.__init__ = boom
sys.exit(cli.main())
""")
        r = subprocess.run([PY, broken, "scan", "--kdir", SMALL, "--out", self.out], env=self.env,
                           capture_output=True, text=True, timeout=300)
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertNotIn("Traceback", r.stderr)
        lines = r.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertRegex(lines[0], r"^gfpscope: internal error: RuntimeError: boom second line at "
                                   r"\S+broken-gfpscope:\d+\. This is a bug in gfpscope: please report it")
        r = subprocess.run([PY, broken, "scan", "--kdir", SMALL, "--out", self.out],
                           env=dict(self.env, GFPSCOPE_TRACEBACK="1"), capture_output=True, text=True, timeout=300)
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("Traceback", r.stderr)
