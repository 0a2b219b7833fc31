"""Hostile and unlucky input (issue 17): PATHs that overlap, lead out of the tree or nowhere,
special files, file names that are not UTF-8, files edited while the scan runs, a broken
get_maintainer.pl, a NUL byte in a source file, a cache that is a file. Each gets a clear
answer, never a wrong one."""
import json
import os
import subprocess

from util import GFPSCOPE, PY, SMALL, CliCase

SCOPED = (b"#include <linux/slab.h>\n#include <linux/sched/mm.h>\n%s\n"
          b"void *scoped_alloc(size_t size)\n{\n\tunsigned int flags = memalloc_nofs_save();\n"
          b"\tvoid *q = kmalloc(size, GFP_NOFS);\n\n\tmemalloc_nofs_restore(flags);\n\treturn q;\n}\n")


def scoped_file(path, comment=b"/* a scoped allocation */"):
    """A file whose one site a local scope covers: convert, local-scope, when analysed."""
    with open(path, "wb") as f:
        f.write(SCOPED % comment)


class RefusedPaths(CliCase):
    """A PATH (or tree) that cannot be scanned as asked: one line, exit 2, within seconds."""

    def run_scan(self, args, env=None):
        # a hang is the bug some of these cases had: a short timeout makes it a failure
        return subprocess.run([PY, GFPSCOPE, "scan", *args], capture_output=True, text=True,
                              env=env or self.env, cwd=self.tmp, timeout=120)

    def test_table(self):
        tree = self.copy_tree()
        outside = os.path.join(self.tmp, "outside")
        os.makedirs(outside)
        scoped_file(os.path.join(outside, "x.c"))
        os.mkfifo(os.path.join(tree, "fs", "foofs", "pipe.c"))
        os.symlink(outside, os.path.join(tree, "fs", "out"))
        os.symlink("nowhere", os.path.join(tree, "fs", "dangling"))
        fifo_tree = os.path.join(self.tmp, "fifotree")
        os.makedirs(fifo_tree)
        os.mkfifo(os.path.join(fifo_tree, "Makefile"))
        cache_file = os.path.join(self.tmp, "cachefile")
        open(cache_file, "w").close()
        cases = [
            ("FIFO PATH", ["--kdir", tree, "fs/foofs/pipe.c"], None,
             "fs/foofs/pipe.c: a FIFO, not a file or directory of the kernel tree"),
            ("FIFO Makefile", ["--kdir", fifo_tree], None, "not a kernel tree (its Makefile is a FIFO)"),
            ("symlink out of the tree", ["--kdir", tree, "fs/out"], None,
             f"fs/out: outside the kernel tree {tree} (really {os.path.realpath(outside)})"),
            ("dangling symlink", ["--kdir", tree, "fs/dangling"], None,
             "fs/dangling: a symbolic link to 'nowhere', which does not exist"),
            ("GFPSCOPE_CACHE a file", ["--kdir", SMALL], dict(self.env, GFPSCOPE_CACHE=cache_file),
             f"GFPSCOPE_CACHE={cache_file} is not a directory"),
        ]
        for name, args, env, want in cases:
            with self.subTest(case=name):
                r = self.run_scan(args + ["--out", self.out], env=env)
                self.assertEqual(r.returncode, 2, r.stderr)
                lines = r.stderr.strip().splitlines()
                self.assertEqual(len(lines), 1, r.stderr)
                self.assertEqual(lines[0], "gfpscope: " + lines[0][len("gfpscope: "):])
                self.assertIn(want, lines[0])
                self.assertFalse(os.path.exists(os.path.join(self.out, "sites.json")))

    def test_gfplex_does_not_block_on_a_fifo(self):
        from gfpscope_lib.collect import lexsites
        tree = self.copy_tree()
        os.mkfifo(os.path.join(tree, "fs", "foofs", "pipe.c"))
        exe = lexsites.gfplex_binary()
        for mode in ([], ["--graph"], ["--bodies"]):
            with self.subTest(mode=mode):
                r = subprocess.run([exe, *mode, tree, "fs/foofs/pipe.c"], capture_output=True, timeout=30)
                self.assertEqual(r.returncode, 0)
                self.assertIn(b"E\tfs/foofs/pipe.c\tnot a regular file\n", r.stdout)


class ResolvedPaths(CliCase):
    """PATHs are resolved to real paths once: overlapping ones are scanned once, a symlink up
    the tree is the directory it names, --kdir may be a symlink, one file keeps its proofs."""

    def scan(self, *args, out=None):
        r = self.gfpscope("scan", "-j", "2", *args, "--out", out or self.out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(out or self.out, "sites.json")) as f:
            return json.load(f), r

    def test_overlapping_paths_are_counted_once(self):
        tree = self.copy_tree()
        os.symlink("..", os.path.join(tree, "fs", "loop"))
        whole, _ = self.scan("--kdir", tree, out=os.path.join(self.tmp, "whole"))
        fs, _ = self.scan("--kdir", tree, "fs", out=os.path.join(self.tmp, "fs"))
        foofs, _ = self.scan("--kdir", tree, "fs/foofs", out=os.path.join(self.tmp, "foofs"))
        self.assertTrue(fs and len(fs) < len(whole))
        cases = [  # PATHs, the scan they are, its census scope, the notes on stderr
            (["fs", "fs/foofs"], fs, "fs", ["fs/foofs: inside fs (or the same)"]),
            (["fs/foofs/super.c", "fs/foofs"], foofs, "fs/foofs",
             ["fs/foofs/super.c: inside fs/foofs (or the same)"]),
            (["fs", "./fs/", "fs"], fs, "fs", ["./fs/: inside fs (or the same)", "fs: inside fs (or the same)"]),
            # a symlink up the tree is the tree: scanned once, under the tree's own names
            (["fs/loop"], whole, "whole tree", []),
            (["fs/loop", "fs/foofs"], whole, "whole tree", ["fs/foofs: inside fs/loop (or the same)"]),
        ]
        for paths, want, scope, notes in cases:
            with self.subTest(paths=paths):
                sites, r = self.scan("--kdir", tree, *paths)
                keys = [(s["file"], s["line"], s["col"]) for s in sites]
                self.assertEqual(len(keys), len(set(keys)), "a site recorded twice")
                self.assertEqual(sites, want)
                for n in notes:
                    self.assertIn("gfpscope: " + n, r.stderr)
                census = self.load("census.json")
                self.assertEqual((census["totals"]["sites"], census["scope"]), (len(want), scope))
                self.assertIn(f"coverage: {len(want)} sites found", r.stdout)

    def test_kdir_through_a_symlink_and_real_paths(self):
        tree = self.copy_tree()
        link = os.path.join(self.tmp, "link")
        os.symlink(tree, link)
        want, _ = self.scan("--kdir", tree, "fs/foofs", out=os.path.join(self.tmp, "want"))
        for kdir, path in ((link, os.path.join(tree, "fs", "foofs")), (link, os.path.join(link, "fs/foofs")),
                           (tree, os.path.join(link, "fs/foofs")), (link, "fs/foofs")):
            with self.subTest(kdir=kdir, path=path):
                sites, _ = self.scan("--kdir", kdir, path)
                self.assertEqual(sites, want)

    def test_one_file_keeps_its_proofs(self):
        # grep printed no file name when PATH was one file: its scopes were lost
        whole, _ = self.scan("--kdir", SMALL, out=os.path.join(self.tmp, "whole"))
        one, _ = self.scan("--kdir", SMALL, "fs/foofs/super.c")
        local = [s for s in whole if s["file"] == "fs/foofs/super.c" and s["reason"] == "local-scope"]
        self.assertTrue(local)
        by_pos = {(s["file"], s["line"], s["col"]): s for s in one}
        for s in local:
            self.assertEqual(by_pos[(s["file"], s["line"], s["col"])]["reason"], "local-scope")


class OddContent(CliCase):
    def test_nul_byte_in_a_comment(self):
        # grep -I took such a file for binary and skipped it: its scope vanished
        tree = self.copy_tree()
        scoped_file(os.path.join(tree, "fs", "foofs", "nul.c"), b"/* a NUL: \0 */")
        for paths in ([], ["fs/foofs/nul.c"]):
            with self.subTest(paths=paths):
                r = self.gfpscope("scan", "--kdir", tree, "--out", self.out, *paths)
                self.assertEqual(r.returncode, 0, r.stderr)
                nul = [s for s in self.load("sites.json") if s["file"] == "fs/foofs/nul.c"]
                self.assertEqual([(s["line"], s["verdict"], s["reason"]) for s in nul],
                                 [(7, "convert", "local-scope")])

    def test_file_name_not_utf8(self):
        tree = self.copy_tree()
        name = b"caf\xe9.c"
        scoped_file(os.path.join(os.fsencode(tree), b"fs/foofs/" + name))
        os.makedirs(os.path.join(os.fsencode(tree), b"fs/d\xe9j\xe0"))  # a subsystem named so
        scoped_file(os.path.join(os.fsencode(tree), b"fs/d\xe9j\xe0/y.c"))
        # the table on stdout prints the bytes, even where stdout is strict UTF-8
        r = subprocess.run([PY, GFPSCOPE, "scan", "--kdir", tree, "--out", self.out], capture_output=True,
                           env=dict(self.env, PYTHONIOENCODING="utf-8:strict"), cwd=self.tmp, timeout=900)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(b"\nfs/d\xe9j\xe0 ", r.stdout)
        self.assertNotIn(b"Traceback", r.stderr)
        with open(os.path.join(self.out, "sites.json"), "rb") as f:
            raw = f.read()
        self.assertIn(b'"fs/foofs/caf\\udce9.c"', raw)  # the byte, kept (as Python reads it back)
        self.assertNotIn("\ufffd".encode(), raw)
        mine = [s for s in self.load("sites.json") if s["file"].startswith("fs/foofs/caf")]
        self.assertEqual([(os.fsencode(s["file"]), s["parsed"], s["reason"]) for s in mine],
                         [(b"fs/foofs/" + name, True, "local-scope")])
        self.assertEqual(self.load("census.json")["files"]["unreadable"], [])
        # and the patch names the file by its bytes, and applies
        r = self.gfpscope("patch", "--kdir", tree, "--out", self.out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(self.out, "gfpscope.patch"), "rb") as f:
            self.assertIn(b"+++ b/fs/foofs/" + name + b"\n", f.read())
        r = subprocess.run(["git", "apply", "--check", os.path.join(self.out, "gfpscope.patch")],
                           cwd=tree, capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)


class ChangedDuringScan(CliCase):
    def test_edited_file_is_named_and_its_sites_kept(self):
        tree = self.copy_tree()
        target = os.path.join(tree, "fs", "foofs", "super.c")
        mark = os.path.join(self.tmp, "edited")
        real = subprocess.run(["sh", "-c", "command -v spatch"], capture_output=True, text=True).stdout.strip()
        wrapper = os.path.join(self.tmp, "spatch-editing")
        with open(wrapper, "w") as f:  # the first analysis run edits a file of the tree
            f.write(f'#!/bin/bash\ncase "$*" in *--file-groups*)\n'
                    f'  if [ ! -e {mark} ]; then touch {mark}; printf "\\n/* edited */\\n" >> {target}; fi;;\n'
                    f'esac\nexec {real} "$@"\n')
        os.chmod(wrapper, 0o755)
        r = self.gfpscope("scan", "--kdir", tree, "--out", self.out,
                          env=dict(self.env, GFPSCOPE_SPATCH=wrapper))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(os.path.exists(mark))
        self.assertIn("gfpscope: warning: 1 source files changed while the scan ran (fs/foofs/super.c): ",
                      r.stderr)
        sites = self.load("sites.json")
        super_c = [s for s in sites if s["file"] == "fs/foofs/super.c"]
        self.assertTrue(super_c)
        for s in super_c:
            self.assertEqual((s["verdict"], s["reason"]), ("keep", "file-changed"), s)
            self.assertNotIn("proof", s)
        for s in sites:  # no convert rests on the edited file
            self.assertNotIn("fs/foofs/super.c", (s.get("proof") or {}).get("files", {}), s)
        self.assertEqual(self.load("census.json")["files"]["changed"], ["fs/foofs/super.c"])
        # nor is such a scan kept whole for the next run (scanmemo.py)
        self.assertFalse(os.listdir(os.path.join(self.tmp, "cache", "scans"))
                         if os.path.isdir(os.path.join(self.tmp, "cache", "scans")) else [])
        # an undisturbed scan names nothing
        r = self.gfpscope("scan", "--kdir", tree, "--out", self.out)
        self.assertNotIn("changed while the scan ran", r.stderr)
        self.assertEqual(self.load("census.json")["files"]["changed"], [])
        self.assertIn("local-scope", {s["reason"] for s in self.load("sites.json")
                                      if s["file"] == "fs/foofs/super.c"})


class BrokenGetMaintainer(CliCase):
    def test_failure_is_said_and_not_cached(self):
        tree = self.copy_tree()
        script = os.path.join(tree, "scripts", "get_maintainer.pl")
        os.makedirs(os.path.dirname(script))
        with open(script, "w") as f:
            f.write('die "cannot open MAINTAINERS: broken\\n";\n')
        plain, _ = self.scan_sites(SMALL, "plain")  # the MAINTAINERS reader's answers
        sites, r = self.scan_sites(tree, "broken")
        warns = [l for l in r.stderr.splitlines() if "get_maintainer.pl" in l]
        self.assertEqual(warns, [f"gfpscope: warning: scripts/get_maintainer.pl failed (exit status 255: "
                                 f"cannot open MAINTAINERS: broken): the MAINTAINERS entries of "
                                 f"{len({s['file'] for s in sites})} files are read from MAINTAINERS instead"])
        self.assertEqual([s["maintainers"] for s in sites], [s["maintainers"] for s in plain])
        self.assertEqual(self.load_from("broken", "census.json")["maintainers_from"],
                         "MAINTAINERS (get_maintainer.pl failed)")
        # the failure may be this run's alone (perl missing): the scan is not kept whole, as
        # the script's answers are not cached (only the plain tree's scan is)
        self.assertEqual(len(os.listdir(os.path.join(self.tmp, "cache", "scans"))), 1)
        # fixed: asked again (the cache is keyed by the script as well), and not a warning
        with open(script, "w") as f:
            f.write('print "FIXED SECTION\\n";\n')
        sites, r = self.scan_sites(tree, "fixed")
        self.assertNotIn("get_maintainer.pl", r.stderr)
        self.assertEqual({s["maintainers"] for s in sites}, {"FIXED SECTION"})

    def scan_sites(self, tree, name):
        r = self.gfpscope("scan", "--kdir", tree, "--out", os.path.join(self.tmp, name))
        self.assertEqual(r.returncode, 0, r.stderr)
        return self.load_from(name, "sites.json"), r

    def load_from(self, name, f):
        with open(os.path.join(self.tmp, name, f)) as fh:
            return json.load(fh)
