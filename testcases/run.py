#!/usr/bin/python3
"""gfpscope's test runner: `make check` runs this.

Parts, in order (each can be run alone with --only PART):
  gfplex   the lexer's golden files: testcases/gfplex/CASE.c -> CASE.expected
           (site mode), CASE.graph (--graph), CASE.bodies (--bodies); every
           case's --bodies records are checked against its bytes and its FN
           records
  rules    every cocci/*.cocci rule's cases in testcases/RULE/, Coccinelle's
           convention: CASE.c input, CASE.res expected patch-mode result
           (absent: patch mode must not change the file), CASE.report
           expected report-mode lines (empty: none), CASE.opts extra options
  compile  every hand-written .c (and every .res) under testcases/ with
           gcc -fsyntax-only against the shim headers in testcases/shim
  driver   the driver's unit tests, testcases/driver/test_*.py
  smoke    a real tree: scan fs/ext4 and fs/jbd2 of KDIR and compare with an
           independent count (gcc's own comment stripper)
Ends with one line "N passed, N failed"; exits 1 on any failure.
"""
import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
SHIM = os.path.join(HERE, "shim")
sys.path.insert(0, os.path.join(REPO, "scripts"))
sys.path.insert(0, HERE)


class Tally:
    def __init__(self, verbose):
        self.passed = self.failed = 0
        self.verbose = verbose
        self.failures = []

    def ok(self, name):
        self.passed += 1
        if self.verbose:
            print(f"PASS {name}")

    def fail(self, name, why):
        self.failed += 1
        self.failures.append(name)
        print(f"FAIL {name}: {why}")

    def check(self, name, cond, why=""):
        if cond:
            self.ok(name)
        else:
            self.fail(name, why)


def part_gfplex(t):
    exe = os.path.join(REPO, "build", "gfplex")
    subprocess.run(["make", "-s", "-C", REPO, "build/gfplex"], check=True)
    d = os.path.join(HERE, "gfplex")
    for c in sorted(glob.glob(os.path.join(d, "*.c"))):
        name = os.path.basename(c)
        for mode, exp_path in (([], c[:-2] + ".expected"), (["--graph"], c[:-2] + ".graph")):
            if not mode and not os.path.exists(exp_path):
                t.fail(f"gfplex/{name}", "missing .expected (site mode)")
                continue
            if mode and not os.path.exists(exp_path):
                continue  # graph golden files are optional
            out = subprocess.run([exe] + mode + [d, name], capture_output=True, text=True).stdout
            got = [l for l in out.splitlines() if not l.startswith("F\t")]
            with open(exp_path) as f:
                exp = f.read().splitlines()
            t.check(f"gfplex/{name}{' --graph' if mode else ''}", got == exp, _diff(exp, got))
    _gfplex_bodies(t, exe, d)
    _gfplex_batch(t, exe, d)


def _gfplex_bodies(t, exe, d):
    """--bodies: the golden files, and for every case the B records against the file's
    own bytes ("{" and "}" at the offsets, on the lines) and against graph mode's FN
    records of the same walk (one B per FN, in order, the same name and last line)."""
    cases = sorted(glob.glob(os.path.join(d, "*.c")))
    goldens = 0
    for c in cases:
        name = os.path.basename(c)
        out = subprocess.run([exe, "--bodies", d, name], capture_output=True, text=True).stdout
        got = [l for l in out.splitlines() if not l.startswith("F\t")]
        if os.path.exists(c[:-2] + ".bodies"):
            goldens += 1
            with open(c[:-2] + ".bodies") as f:
                exp = f.read().splitlines()
            t.check(f"gfplex/{name} --bodies", got == exp, _diff(exp, got))
        with open(c, "rb") as f:
            data = f.read()
        recs = [l.split("\t") for l in got]
        bad = []
        for r in recs:
            if r[0] != "B":
                continue
            o, cl, lo, lc = (int(x) for x in r[2:6])
            if data[o:o + 1] != b"{" or data[cl:cl + 1] != b"}" or \
                    data.count(b"\n", 0, o) + 1 != lo or data.count(b"\n", 0, cl) + 1 != lc:
                bad.append(r)
        graph = subprocess.run([exe, "--graph", d, name], capture_output=True, text=True).stdout
        fns = [(g[2], g[6]) for g in (l.split("\t") for l in graph.splitlines()) if g[0] == "FN"]
        if any(r[0] == "U" for r in recs):
            same = len(recs) == 1
        else:
            same = [(r[6], r[5]) for r in recs] == fns
        t.check(f"gfplex/{name} --bodies: braces at the offsets, one body per FN record",
                not bad and same, f"{bad[:3]} {recs[:3]} vs FN {fns[:3]}")
    t.check("gfplex: --bodies golden files", goldens >= 2, f"only {goldens} CASE.bodies")


def _gfplex_batch(t, exe, d):
    """--batch reads `git cat-file --batch` output: the same records, the blob id as path."""
    import hashlib
    stream, exp = b"", []
    for c in sorted(glob.glob(os.path.join(d, "*.c"))):
        with open(c, "rb") as f:
            data = f.read()
        oid = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
        stream += b"%s blob %d\n" % (oid.encode(), len(data)) + data + b"\n"
        with open(c[:-2] + ".expected") as f:
            for line in f.read().splitlines():
                rec = line.split("\t")
                exp.append("\t".join([rec[0], oid] + rec[2:]))
    # a blob without the flags, an object that is not there, and an empty blob
    stream += b"e69de29bb2d1d6434b8b29ae775ad8c2e48c5391 blob 0\n\n"
    stream += b"0123456789abcdef0123456789abcdef01234567 missing\n"
    exp.append("E\t0123456789abcdef0123456789abcdef01234567\tmissing")
    cases = glob.glob(os.path.join(d, "*.c"))
    lexed = sum(1 for c in cases if b"GFP_NO" in open(c, "rb").read())
    size = sum(os.path.getsize(c) for c in cases)
    exp.append(f"F\t{len(cases) + 2}\t{lexed}\t{size}")
    out = subprocess.run([exe, "--batch"], input=stream, capture_output=True).stdout.decode()
    got = out.splitlines()
    t.check("gfplex/--batch (git cat-file stream)", got == exp, _diff(exp, got))
    # --kernel: GFP_KERNEL uses in code as K records (not in #define bodies)
    src = (b"int f(void)\n{\n\tp = kmalloc(8, GFP_KERNEL | __GFP_NOFAIL);\n"
           b"\tq = kmalloc(8, GFP_NOFS);\n}\n#define X GFP_KERNEL\n")
    out = subprocess.run([exe, "--batch", "--kernel"], input=b"b1 blob %d\n" % len(src) + src + b"\n",
                         capture_output=True).stdout.decode().splitlines()
    exp = ["K\tb1\t3\t16\tGFP_KERNEL\tcode\tkmalloc\tGFP_KERNEL | __GFP_NOFAIL\tf\t-",
           "S\tb1\t4\t16\tGFP_NOFS\tcode\tkmalloc\tGFP_NOFS\tf\t-", f"F\t1\t1\t{len(src)}"]
    t.check("gfplex/--batch --kernel", out == exp, _diff(exp, out))
    # --bodies --batch: the records of file mode, each stream name as path, every blob lexed
    stream, exp, size = b"", [], 0
    for i, c in enumerate(sorted(glob.glob(os.path.join(d, "*.c")))):
        with open(c, "rb") as f:
            data = f.read()
        size += len(data)
        stream += b"%d blob %d\n" % (i, len(data)) + data + b"\n"
        out = subprocess.run([exe, "--bodies", d, os.path.basename(c)], capture_output=True,
                             text=True).stdout
        for line in out.splitlines():
            rec = line.split("\t")
            if rec[0] != "F":
                exp.append("\t".join([rec[0], str(i)] + rec[2:]))
    n = len(glob.glob(os.path.join(d, "*.c")))
    src = b"int f(void)\n{\n\treturn 0;\n}\n}\n"
    stream += b"x blob %d\n" % len(src) + src + b"\n" + b"y missing\n"
    exp += ["U\tx\t5\t'}' at depth 0", "E\ty\tmissing", f"F\t{n + 2}\t{n + 1}\t{size + len(src)}"]
    out = subprocess.run([exe, "--bodies", "--batch"], input=stream, capture_output=True).stdout.decode()
    got = out.splitlines()
    t.check("gfplex/--bodies --batch", got == exp, _diff(exp, got))


def _diff(exp, got):
    import difflib
    return "\n" + "\n".join(difflib.unified_diff(exp, got, "expected", "got", lineterm=""))


def _spatch(rule, case_dir, case, mode, opts, out=None):
    args = ["spatch", "--very-quiet", "--no-includes", "--include-headers",
            "--sp-file", rule, "-D", mode] + opts + [case]
    if out:
        args += ["-o", out]
    return subprocess.run(args, cwd=case_dir, capture_output=True, text=True, timeout=600)


def part_rules(t):
    rules = sorted(glob.glob(os.path.join(REPO, "cocci", "*.cocci")))
    for rule in rules:
        rname = os.path.basename(rule)[:-6]
        case_dir = os.path.join(HERE, rname)
        cases = sorted(glob.glob(os.path.join(case_dir, "*.c")))
        t.check(f"rules/{rname}: has testcases", cases, f"no testcases in testcases/{rname}/")
        kinds = {os.path.basename(c).split("_")[0] for c in cases}
        t.check(f"rules/{rname}: positive and negative cases", {"pos", "neg"} <= kinds,
                "needs pos_*.c and neg_*.c cases")
        for c in cases:
            case = os.path.basename(c)
            base = c[:-2]
            opts = []
            if os.path.exists(base + ".opts"):
                with open(base + ".opts") as f:
                    opts = f.readline().split()
            # report mode
            if not os.path.exists(base + ".report"):
                t.fail(f"rules/{rname}/{case} report", "missing .report (empty file = no lines)")
            else:
                r = _spatch(rule, case_dir, case, "report", opts)
                got = sorted(l for l in r.stdout.splitlines() if l.strip())
                with open(base + ".report") as f:
                    exp = sorted(l for l in f.read().splitlines() if l.strip() and not l.startswith("#"))
                t.check(f"rules/{rname}/{case} report", r.returncode == 0 and got == exp,
                        (r.stderr.strip()[-300:] if r.returncode else "") + _diff(exp, got))
            # patch mode
            # every rule runs in patch mode under coccicheck: cases without .res must stay unchanged
            with tempfile.TemporaryDirectory() as td:
                outp = os.path.join(td, case)
                r = _spatch(rule, case_dir, case, "patch", opts, out=outp)
                if r.returncode and "no modified files" in r.stderr:
                    r = subprocess.CompletedProcess(r.args, 0, r.stdout, "")  # nothing to rewrite
                with open(c) as f:
                    orig = f.read()
                got = orig
                if os.path.exists(outp):
                    with open(outp) as f:
                        got = f.read()
                if os.path.exists(base + ".res"):
                    with open(base + ".res") as f:
                        exp = f.read()
                    why = "patch mode result differs from .res"
                else:
                    exp = orig
                    why = "patch mode changed a file that has no .res"
                t.check(f"rules/{rname}/{case} patch", r.returncode == 0 and got == exp,
                        why + (": " + r.stderr.strip()[-300:] if r.returncode else "") +
                        _diff(exp.splitlines(), got.splitlines()))


def part_compile(t):
    gcc = shutil.which("gcc") or shutil.which("cc")
    files = []
    for pat in ("**/*.c", "**/*.res"):
        files += glob.glob(os.path.join(HERE, pat), recursive=True)
    for f in sorted(files):
        rel = os.path.relpath(f, HERE)
        r = subprocess.run([gcc, "-fsyntax-only", "-std=gnu11", "-x", "c", "-I", SHIM,
                            "-I", os.path.join(HERE, "trees", "small", "include"), f],
                           capture_output=True, text=True)
        t.check(f"compile/{rel}", r.returncode == 0, r.stderr.strip()[:600])


class _Tallied(unittest.TestResult):
    """Feeds each test's outcome into the tally as it happens."""

    def __init__(self, tally):
        super().__init__()
        self.tally = tally

    def addSuccess(self, test):
        super().addSuccess(test)
        self.tally.ok("driver/" + test.id())

    def _bad(self, test, err, kind):
        text = self._exc_info_to_string(err, test)
        self.tally.fail("driver/" + test.id(), kind + ": " + text.strip().splitlines()[-1])
        print(text)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._bad(test, err, "failure")

    def addError(self, test, err):
        super().addError(test, err)
        self._bad(test, err, "error")

    def addSubTest(self, test, subtest, err):
        # a failing subTest is the test's failure: without this it was counted nowhere
        super().addSubTest(test, subtest, err)
        if err is not None:
            self._bad(subtest, err, "failure" if issubclass(err[0], test.failureException) else "error")


def part_driver(t):
    suite = unittest.TestLoader().discover(os.path.join(HERE, "driver"), pattern="test_*.py",
                                           top_level_dir=os.path.join(HERE, "driver"))
    suite.run(_Tallied(t))


def part_smoke(t, kdir):
    import indep_count
    if not kdir or not os.path.isfile(os.path.join(kdir, "Makefile")):
        t.fail("smoke", f"no kernel tree at {kdir} (make setup unpacks the default one)")
        return
    with tempfile.TemporaryDirectory() as out, tempfile.TemporaryDirectory() as cache:
        # a cache of its own, so spatch really runs
        r = subprocess.run([sys.executable, os.path.join(REPO, "scripts", "gfpscope"), "scan", "-q",
                            "--kdir", kdir, "--out", out, "fs/ext4", "fs/jbd2"],
                           capture_output=True, text=True, env=dict(os.environ, GFPSCOPE_CACHE=cache))
        t.check("smoke/scan exits 0", r.returncode == 0, r.stderr.strip()[-500:])
        if r.returncode:
            return
        import json
        with open(os.path.join(out, "sites.json")) as f:
            sites = json.load(f)
        got = {}
        for s in sites:
            got[s["file"]] = got.get(s["file"], 0) + 1
        exp = indep_count.count_tree(kdir, ["fs/ext4", "fs/jbd2"])
        t.check("smoke/per-file counts equal the independent count", got == exp,
                f"gfpscope {sum(got.values())} vs independent {sum(exp.values())}: "
                f"{sorted(set(got.items()) ^ set(exp.items()))[:10]}")
        t.check("smoke/coverage line", r.stdout.strip().splitlines()[-1].startswith(
            f"coverage: {len(sites)} sites found"), r.stdout[-200:])
        t.check("smoke/every ext4 and jbd2 site parsed", all(s["parsed"] for s in sites),
                [s["file"] + ":" + str(s["line"]) for s in sites if not s["parsed"]])
        t.check("smoke/ext4 xattr kmalloc record", any(
            s["file"] == "fs/ext4/xattr.c" and s["call"] == "kzalloc" and s["function"] ==
            "ext4_xattr_move_to_block" and s["kind"] == "nofs" for s in sites), "not found")
        t.check("smoke/MAINTAINERS entry from get_maintainer.pl", all(
            s["maintainers"] == ("EXT4 FILE SYSTEM" if s["file"].startswith("fs/ext4/")
                                 else "JOURNALLING LAYER FOR BLOCK DEVICES (JBD2)")
            for s in sites), sorted({s["maintainers"] for s in sites}))


PARTS = ["gfplex", "rules", "compile", "driver", "smoke"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sys.path.insert(0, os.path.join(REPO, "scripts"))
    from gfpscope_lib.core import paths
    ap.add_argument("--kdir", default=os.path.join(paths.data_home(), "linux-source-6.12"))
    ap.add_argument("--only", choices=PARTS, action="append")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    t = Tally(args.verbose)
    os.environ["GFPSCOPE_TEST_KDIR"] = args.kdir
    for part in args.only or PARTS:
        print(f"== {part}", flush=True)
        if part == "smoke":
            part_smoke(t, args.kdir)
        else:
            globals()["part_" + part](t)
        sys.stdout.flush()
    print(f"{t.passed} passed, {t.failed} failed")
    return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(main())
