"""Robustness: interrupted and concurrent runs, spatch's faults, odd files, the tree left alone."""
import glob
import hashlib
import os
import re
import shutil
import signal
import subprocess
import time

from util import GFPSCOPE, PY, SMALL, CliCase, tree_state
from gfpscope_lib.core import paths

REAL_SPATCH = shutil.which("spatch")


def fake_spatch(tmp, body):
    """A spatch wrapper: BODY runs first (it sees "$@"), then the real spatch."""
    path = os.path.join(tmp, "spatch-wrapper")
    with open(path, "w") as f:
        f.write("#!/bin/bash\n" + body + f"\nexec {REAL_SPATCH} \"$@\"\n")
    os.chmod(path, 0o755)
    return path


def groups_file(args):
    return args[args.index("--file-groups") + 1] if "--file-groups" in args else None


class Interrupted(CliCase):
    def test_ctrl_c_then_resume(self):
        slow = fake_spatch(self.tmp, 'case "$*" in *--file-groups*) sleep 2;; esac')
        env = dict(self.env, GFPSCOPE_SPATCH=slow)
        # SIGINT as a terminal sends it: a suite run in the background (`make check &`) has it
        # ignored, and an ignored SIGINT is inherited, so the scan would never see the Ctrl-C
        p = subprocess.Popen([PY, GFPSCOPE, "scan", "-j", "1", "--kdir", SMALL, "--out", self.out],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        # interrupted once some files are analysed and some are not (a fixed sleep raced the
        # scan as it got faster): the progress line says so
        seen = []
        for line in p.stderr:
            seen.append(line)
            if re.search(r"analysing [1-4]/5 files", line):
                break
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=60)
        err = "".join(seen) + err
        self.assertEqual(p.returncode, 130, err)
        self.assertIn("interrupted", err)
        # nothing that looks complete was left behind
        self.assertFalse(os.path.exists(os.path.join(self.out, "sites.json")))
        self.assertEqual([f for f in os.listdir(self.out) if not f.startswith(".gfpscope-probe")], [])
        r = self.gfpscope("scan", "--kdir", SMALL, "--out", self.out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stderr, r"re-used cached facts for [1-4] of 5 files")
        self.assertIn("coverage: 12 sites found, 10 analysed", r.stdout)

    def test_sigterm_kills_spatch_and_cleans_up(self):
        """SIGTERM (timeout(1), CI cancellation) as Ctrl-C: exit 143 with one line, every spatch
        it started is gone, no temporary file is left in TMPDIR, nothing is published, and
        the finished files are cached."""
        pids = os.path.join(self.tmp, "pids")
        slow = fake_spatch(self.tmp, f'echo $$ >> {pids}\ncase "$*" in *--file-groups*) sleep 3;; esac')
        tmpdir = os.path.join(self.tmp, "tmpdir")
        os.makedirs(tmpdir)
        env = dict(self.env, GFPSCOPE_SPATCH=slow, TMPDIR=tmpdir)
        p = subprocess.Popen([PY, GFPSCOPE, "scan", "-j", "2", "--kdir", SMALL, "--out", self.out],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(6)  # past the version check and the first batch, into the next ones
        p.send_signal(signal.SIGTERM)
        out, err = p.communicate(timeout=60)
        self.assertEqual(p.returncode, 143, err)
        self.assertEqual(err.strip().splitlines()[-1], "gfpscope: terminated (SIGTERM); finished files are cached "
                         "and the next run resumes from them")
        self.assertNotIn("Traceback", err)
        time.sleep(3.5)  # a killed wrapper's own sleep ends
        with open(pids) as f:
            started = [int(x) for x in f.read().split()]
        self.assertGreater(len(started), 1)
        for pid in started:
            with self.subTest(pid=pid):
                self.assertRaises(ProcessLookupError, os.kill, pid, 0)
        self.assertEqual(os.listdir(tmpdir), [])
        self.assertFalse(os.path.exists(os.path.join(self.out, "sites.json")))
        r = self.gfpscope("scan", "--kdir", SMALL, "--out", self.out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stderr, r"re-used cached facts for [1-4] of 5 files")

    def test_killed_while_publishing_leaves_no_sites_json(self):
        # a complete scan; then one killed (SIGKILL: no clean-up runs) between two of the
        # renames that put its files into place
        self.assertEqual(self.gfpscope("scan", "-q", "--kdir", SMALL, "--out", self.out).returncode, 0)
        first = {n: self.load(n) for n in ("sites.json", "census.json")}
        dying = os.path.join(self.tmp, "dying-gfpscope")
        with open(dying, "w") as f:
            f.write(f"""import os, sys
sys.path.insert(0, {os.path.dirname(GFPSCOPE)!r})
from gfpscope_lib.core import atomic
from gfpscope_lib import cli
real, n = atomic.FileSet._move, []
def move(fs, name):
    n.append(name)
    if len(n) == 3:
        os.kill(os.getpid(), 9)
    real(fs, name)
atomic.FileSet._move = move
sys.exit(cli.main())
""")
        tree = self.copy_tree()  # another tree, so the killed run's files differ from the first
        with open(os.path.join(tree, "fs", "foofs", "extra.c"), "w") as f:
            f.write("#include <linux/slab.h>\nvoid *extra(void) { return kmalloc(8, GFP_NOFS); }\n")
        p = subprocess.run([PY, dying, "scan", "-q", "--kdir", tree, "--out", self.out], env=self.env,
                           capture_output=True, text=True, timeout=900)
        self.assertEqual(p.returncode, -9, p.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.out, "sites.json")),
                         "a sites.json beside a half-published set")
        self.assertNotEqual(self.load("census.json"), first["census.json"], "the killed run published nothing")
        stages = [f for f in os.listdir(self.out) if f.startswith(".gfpscope-stage.")]
        self.assertEqual(len(stages), 1, "SIGKILL leaves the staging directory")
        r = self.gfpscope("report", "--out", self.out)
        self.assertEqual(r.returncode, 2)
        self.assertIn("sites.json not found: run gfpscope scan", r.stderr)
        # the next scan removes the dead run's staging directory and publishes the whole set
        r = self.gfpscope("scan", "-q", "--kdir", SMALL, "--out", self.out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual([f for f in os.listdir(self.out) if f.startswith(".gfpscope-")], [])
        self.assertEqual(self.load("sites.json"), first["sites.json"])
        census = self.load("census.json")
        self.assertEqual(census["files"].pop("from_cache"), 5)  # the first scan's facts, cached
        first["census.json"]["files"].pop("from_cache")
        self.assertEqual(census, first["census.json"])
        for n in ("census.csv", "census.md", "scopes.json", "providers.json"):
            self.assertTrue(os.path.exists(os.path.join(self.out, n)), n)


class Concurrent(CliCase):
    def test_two_runs_one_cache(self):
        outs = [os.path.join(self.tmp, f"o{i}") for i in range(2)]
        ps = [subprocess.Popen([PY, GFPSCOPE, "scan", "-q", "--kdir", SMALL, "--out", o], env=self.env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for o in outs]
        for p in ps:
            _, err = p.communicate(timeout=300)
            self.assertEqual(p.returncode, 0, err)
        a, b = (open(os.path.join(o, "sites.json")).read() for o in outs)
        self.assertEqual(a, b)
        # and the cache they shared serves a third run completely (the per-file facts:
        # --reanalyse, not the whole scan one of them kept)
        r = self.gfpscope("scan", "--reanalyse", "--kdir", SMALL, "--out", self.out)
        self.assertIn("re-used cached facts for 5 of 5 files", r.stderr)
        self.assertEqual(open(os.path.join(self.out, "sites.json")).read(), a)

    def test_corrupt_cache_entry_is_not_served(self):
        self.assertEqual(self.gfpscope("scan", "-q", "--kdir", SMALL, "--out", self.out).returncode, 0)
        good = open(os.path.join(self.out, "sites.json")).read()
        entries = []
        for root, _, files in os.walk(os.path.join(self.tmp, "cache", "facts")):
            entries += [os.path.join(root, f) for f in files]
        self.assertTrue(entries)
        for e in entries:  # a torn write, a disk-full truncation
            with open(e, "r+") as f:
                f.truncate(10)
        r = self.gfpscope("scan", "--reanalyse", "--kdir", SMALL, "--out", self.out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("re-used cached facts", r.stderr)
        self.assertEqual(open(os.path.join(self.out, "sites.json")).read(), good)


class SpatchFaults(CliCase):
    def test_one_file_crashing_spatch_loses_only_that_file(self):
        crash = fake_spatch(self.tmp, 'g=""; prev=""; for a in "$@"; do [ "$prev" = --file-groups ] && g="$a"; '
                            'prev="$a"; done\n[ -n "$g" ] && grep -q legacy.c "$g" && kill -SEGV $$')
        # one worker and two: with -j 2 the other worker's files must survive the crash too
        for jobs in ("1", "2"):
            with self.subTest(jobs=jobs):
                env = dict(self.env, GFPSCOPE_SPATCH=crash, GFPSCOPE_CACHE=os.path.join(self.tmp, "cache-j" + jobs))
                r = self.gfpscope("scan", "-j", jobs, "--kdir", SMALL, "--out", self.out, env=env)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertNotIn("re-used cached facts", r.stderr)
                sites = self.load("sites.json")
                legacy = [s for s in sites if s["file"] == "drivers/blk/legacy.c"]
                self.assertEqual([(s["parsed"], s["unparsed_reason"]) for s in legacy], [(False, "spatch-error")])
                self.assertIn("warning: drivers/blk/legacy.c: error", r.stderr)
                others = [s for s in sites if s["file"] == "fs/foofs/super.c" and s["context"] == "code"]
                self.assertTrue(others and all(s["parsed"] for s in others))

    def test_timeout_is_counted_unparsed(self):
        tree = self.copy_tree()
        with open(os.path.join(tree, "fs/foofs/generated.c"), "w") as f:
            f.write("#include <linux/slab.h>\n")
            for i in range(30000):
                f.write(f"void *gen_{i}(void)\n{{\n\treturn kmalloc({i}, GFP_NOFS);\n}}\n")
        r = self.gfpscope("scan", "--timeout", "2", "--kdir", tree, "--out", self.out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("coverage: 30012 sites found, 10 analysed, 30002 unparsed", r.stdout)
        self.assertIn("timeout: 30000", r.stdout)
        self.assertIn("warning: fs/foofs/generated.c: timeout", r.stderr)


    def _branchy_tree(self, branches):
        """gen_big() opens a nofs scope, takes 2**branches paths, then calls gen_own() (same
        file) and gen_leaf() (leaf.c), each of which allocates with GFP_NOFS (every callee has a
        body: a call of a name with none may end the scope)."""
        tree = self.copy_tree()
        with open(os.path.join(tree, "fs/foofs/gen.c"), "w") as f:
            f.write("#include <linux/slab.h>\n#include <linux/sched/mm.h>\n\nvoid gen_leaf(void);\n"
                    "static void *gen_q;\nstatic int gen_n;\n\n"
                    "static void gen_a(int i)\n{\n\tgen_n += i;\n}\n\n"
                    "static void gen_b(int i)\n{\n\tgen_n -= i;\n}\n\n"
                    "static void gen_own(void)\n{\n\tgen_q = kmalloc(8, GFP_NOFS);\n}\n\n"
                    "void gen_big(int *x)\n{\n\tunsigned int nofs = memalloc_nofs_save();\n\n")
            for i in range(branches):
                f.write(f"\tif (x[{i}])\n\t\tgen_a({i});\n\telse\n\t\tgen_b({i});\n")
            f.write("\tgen_leaf();\n\tgen_own();\n\tmemalloc_nofs_restore(nofs);\n}\n")
        with open(os.path.join(tree, "fs/foofs/leaf.c"), "w") as f:
            f.write("#include <linux/slab.h>\n\nvoid *gen_p;\n\nvoid gen_leaf(void)\n{\n"
                    "\tgen_p = kmalloc(8, GFP_NOFS);\n}\n")
        return tree

    def _gen_verdicts(self, tree, *args):
        r = self.gfpscope("scan", *args, "--kdir", tree, "--out", self.out)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r, {s["function"]: s for s in self.load("sites.json") if s["function"] in ("gen_own", "gen_leaf")}

    def test_scope_pass_timeout_is_undecided(self):
        """The facts of gen.c are read, but the pass that finds its scope runs over the limit:
        the site in gen.c and the one whose only caller is there are undecided, not no-scope;
        the time-out is said once and remembered (the second run spends no limit on it)."""
        tree = self._branchy_tree(400)
        r, got = self._gen_verdicts(tree, "--timeout", "2")
        self.assertEqual({f: (s["parsed"], s["verdict"], s["reason"]) for f, s in got.items()},
                         {"gen_own": (True, "keep", "undecided"), "gen_leaf": (True, "keep", "undecided")})
        self.assertIn("gen_leaf <- gen_big (fs/foofs/gen.c): the scope pass could not analyse fs/foofs/gen.c "
                      "(timeout)", got["gen_leaf"]["evidence"][0])
        self.assertEqual(r.stderr.count("warning: fs/foofs/gen.c: timeout"), 1, r.stderr)
        t0 = time.monotonic()
        r2, again = self._gen_verdicts(tree, "--timeout", "2", "-q")
        self.assertEqual(again, got)
        self.assertLess(time.monotonic() - t0, 2 * 3, "a remembered time-out is not run again")

    def test_token_pass_timeout_loses_one_function(self):
        """The live-handle pass runs over the limit on branchy.c: the file is tried again one
        function at a time, so tok_small's handle still proves its callee while tok_big's
        callee is undecided (not the whole file)."""
        from util import REPO
        base = os.path.join(REPO, "testcases", "trees", "tokens")
        tree = self.copy_tree(base)
        with open(os.path.join(tree, "fs/tokfs/branchy.c"), "w") as f:
            f.write('// SPDX-License-Identifier: GPL-2.0-only\n#include "tokfs.h"\n\nstatic int tok_n;\n\n'
                    "static void tok_a(int i)\n{\n\ttok_n += i;\n}\n\n"
                    "static void tok_b(int i)\n{\n\ttok_n -= i;\n}\n\n"
                    "static void *tok_big_callee(size_t n)\n{\n\treturn kmalloc(n, GFP_NOFS);\n}\n\n"
                    "static void *tok_small_callee(size_t n)\n{\n\treturn kmalloc(n, GFP_NOFS);\n}\n\n"
                    "void *tok_big(struct tok_trans *tp, int *x, size_t n)\n{\n\ttp->t_flags |= 1;\n")
            for i in range(400):
                f.write(f"\tif (x[{i}])\n\t\ttok_a({i});\n\telse\n\t\ttok_b({i});\n")
            f.write("\tkfree(kmalloc(n, GFP_NOFS));\n\treturn tok_big_callee(n);\n}\n\n"
                    "void *tok_small(struct tok_trans *tp, size_t n)\n{\n\ttp->t_flags |= 1;\n"
                    "\treturn tok_small_callee(n);\n}\n")
        r = self.gfpscope("scan", "--timeout", "1", "--kdir", tree, "--out", self.out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("warning: fs/tokfs/branchy.c: timeout: spatch timed out after 3s; alone, tok_big did not finish in 9s", r.stderr)
        sites = self.load("sites.json")
        got = {s["function"]: (s["verdict"], s["reason"]) for s in sites if s["file"] == "fs/tokfs/branchy.c"}
        self.assertEqual(got, {"tok_big_callee": ("keep", "undecided"), "tok_big": ("keep", "undecided"),
                               "tok_small_callee": ("convert", "transaction-handle")})
        # the site in the function that did not finish names that function, not just its file
        [big] = [s for s in sites if s["function"] == "tok_big"]
        self.assertIn("could not analyse tok_big() in fs/tokfs/branchy.c (timeout)", big["evidence"][0])
        # without the merged entries, the copies are read back from their own cache (a key
        # that named the run's temporary names file never matched again)
        merged = [p for p in glob.glob(os.path.join(self.tmp, "cache", "facts", "*", "*", "*.json"))
                  if '"shard_timeout"' in open(p).read()]
        self.assertTrue(merged)
        for p in merged:
            os.unlink(p)
        r2 = self.gfpscope("scan", "--timeout", "1", "--kdir", tree, "--out", self.out + "2")
        self.assertEqual(r2.returncode, 0, r2.stderr)
        self.assertNotIn("one function at a time", r2.stderr)
        with open(os.path.join(self.out + "2", "sites.json")) as a, open(os.path.join(self.out, "sites.json")) as b:
            self.assertEqual(a.read(), b.read())

    def test_same_shape_without_timeout_converts(self):
        """Twin: the same code with few paths is proven (so the test above keeps the sites
        only because of the time-out)."""
        _r, got = self._gen_verdicts(self._branchy_tree(2))
        self.assertEqual({f: (s["verdict"], s["reason"]) for f, s in got.items()},
                         {"gen_own": ("convert", "caller-scope"), "gen_leaf": ("convert", "caller-scope")})


class OddFiles(CliCase):
    def test_binary_and_non_utf8_files(self):
        tree = self.copy_tree()
        with open(os.path.join(tree, "fs/foofs/latin1.c"), "wb") as f:
            f.write(b"/* caf\xe9 */\nvoid *f(void) { return kmalloc(1, GFP_NOFS); }\n")
        with open(os.path.join(tree, "fs/foofs/blob.h"), "wb") as f:
            f.write(b"\x00\x01\xff GFP_NOIO \x00\xfe")
        r = self.gfpscope("scan", "--kdir", tree, "--out", self.out)
        self.assertEqual(r.returncode, 0, r.stderr)
        sites = {s["file"]: s for s in self.load("sites.json")}
        self.assertTrue(sites["fs/foofs/latin1.c"]["parsed"])
        self.assertEqual(sites["fs/foofs/latin1.c"]["call"], "kmalloc")
        self.assertIn("fs/foofs/blob.h", sites)  # counted whatever spatch makes of it

    def test_newline_or_tab_in_a_file_name(self):
        """A name holding a newline or tab (which no record can carry) is listed as not
        analysed, with the reason, and the rest of the tree is scanned as ever."""
        tree = self.copy_tree()
        with open(os.path.join(SMALL, "fs/foofs/super.c"), "rb") as f:
            text = f.read()
        with open(os.path.join(tree, "fs/foofs/new\nline.c"), "wb") as f:
            f.write(text)
        os.makedirs(os.path.join(tree, "fs/tab\tdir"))
        with open(os.path.join(tree, "fs/tab\tdir/x.c"), "wb") as f:
            f.write(text)
        r = self.gfpscope("scan", "--kdir", tree, "--out", self.out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("coverage: 12 sites found, 10 analysed, 2 unparsed (if0: 1, parse-error: 1); "
                      "2 files not read (census.json files.unreadable)", r.stdout)
        why = "its name holds a newline or a tab, which gfpscope's records cannot carry: not analysed (rename it)"
        self.assertEqual(self.load("census.json")["files"]["unreadable"],
                         [{"file": "fs/foofs/new\\nline.c", "error": why}, {"file": "fs/tab\\tdir", "error": why}])
        self.assertIn(f"warning: fs/foofs/new\\nline.c: {why}", r.stderr)
        self.assertNotIn("line.c:", r.stderr.replace("new\\nline.c:", ""))  # no half of the name elsewhere
        self.assertEqual(len(self.load("sites.json")), 12)

    def test_home_unset(self):
        """spatch dies at start without HOME ("Fatal error: exception Not_found"): gfpscope
        gives it one, and the scan is the scan with HOME."""
        r = self.gfpscope("scan", "-q", "--kdir", SMALL, "--out", self.out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with_home = self.load("sites.json")
        env = {k: v for k, v in self.env.items() if k != "HOME"}
        env["GFPSCOPE_CACHE"] = os.path.join(self.tmp, "cache-nohome")
        r = self.gfpscope("scan", "-q", "--kdir", SMALL, "--out", self.out, env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("coverage: 12 sites found, 10 analysed", r.stdout)
        self.assertEqual(self.load("sites.json"), with_home)

    def test_spatch_that_fails_is_not_called_old(self):
        dead = os.path.join(self.tmp, "dead-spatch")
        with open(dead, "w") as f:
            f.write("#!/bin/sh\necho 'Fatal error: exception Not_found' >&2; exit 2\n")
        os.chmod(dead, 0o755)
        r = self.gfpscope("scan", "--kdir", SMALL, "--out", self.out, env=dict(self.env, GFPSCOPE_SPATCH=dead))
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertEqual(r.stderr.strip(), f"gfpscope: spatch does not run ({dead} --version: Fatal error: "
                                           "exception Not_found)")

    def test_unreadable_file_is_reported(self):
        tree = self.copy_tree()
        os.symlink("loop.c", os.path.join(tree, "fs/foofs/loop.c"))  # ELOOP, even for root
        r = self.gfpscope("scan", "--kdir", tree, "--out", self.out, "fs/foofs/loop.c", "fs/foofs")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("warning: fs/foofs/loop.c: Too many levels of symbolic links", r.stderr)
        c = self.load("census.json")
        self.assertEqual(c["files"]["unreadable"][0]["file"], "fs/foofs/loop.c")
        # alone (the greps are not given a PATH that does not resolve), and inside its directory
        r = self.gfpscope("scan", "--kdir", tree, "--out", self.out, "fs/foofs/loop.c")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("warning: fs/foofs/loop.c: Too many levels of symbolic links", r.stderr)
        self.assertIn("coverage: 0 sites found", r.stdout)

    def test_output_dir_not_writable(self):
        blocker = os.path.join(self.tmp, "afile")
        open(blocker, "w").close()
        r = self.gfpscope("scan", "--kdir", SMALL, "--out", os.path.join(blocker, "out"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("is not writable", r.stderr)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1)


class TreeUntouched(CliCase):
    """Every command leaves the tree, its git index and status byte-for-byte as they were."""

    def test_every_command_on_a_git_tree(self):
        tree = self.copy_tree()
        git = ["git", "-C", tree, "-c", "user.name=t", "-c", "user.email=t@example.org"]
        subprocess.run(git + ["init", "-q"], check=True)
        subprocess.run(git + ["add", "-A"], check=True)
        subprocess.run(git + ["commit", "-qm", "base"], check=True)

        def state():
            with open(os.path.join(tree, ".git", "index"), "rb") as f:
                index = hashlib.sha1(f.read()).hexdigest()
            status = subprocess.run(git + ["status", "--porcelain", "--ignored"], capture_output=True,
                                    text=True).stdout
            return tree_state(tree), index, status
        before = state()
        self.assertEqual(before[2], "")
        for cmd in (["scan"], ["patch"], ["whatif", "--scope", "foofs_begin:foofs_end"], ["report"],
                    ["history", "HEAD"], ["diff", "HEAD", "HEAD"]):
            r = self.gfpscope(*cmd, "--kdir", tree, "--out", self.out)
            self.assertEqual(r.returncode, 0, f"{cmd[0]}: {r.stderr}")
            self.assertEqual(state(), before, f"{cmd[0]} changed the tree")
        self.assertTrue(self.load("sites.json"))
        for name in ("gfpscope.patch", "whatif.json", "report.html", "history.json", "diff.json"):
            self.assertTrue(os.path.exists(os.path.join(self.out, name)), name)


class KernelCoccicheck(CliCase):
    """The kernel's own `make coccicheck`, run with each of gfpscope's rules on the real
    tree, leaves that tree as it was (its file list, sizes and modes, and the bytes of
    the directory the rules ran on) and works unmodified in report and patch mode."""
    KDIR = os.environ.get("GFPSCOPE_TEST_KDIR") or os.path.join(paths.data_home(), "linux-source-6.12")
    M = "fs/jbd2"

    def listing(self):
        out = []
        for root, dirs, files in os.walk(self.KDIR):
            dirs.sort()
            for f in sorted(files):
                st = os.lstat(os.path.join(root, f))
                out.append((os.path.relpath(os.path.join(root, f), self.KDIR), st.st_size, st.st_mode))
        return out

    def test_every_rule_in_report_and_patch_mode(self):
        if not os.path.isfile(os.path.join(self.KDIR, "scripts", "coccicheck")):
            self.fail(f"no kernel tree at {self.KDIR} (make setup unpacks it)")
        rules = sorted(glob.glob(os.path.join(os.path.dirname(GFPSCOPE), "..", "cocci", "*.cocci")))
        self.assertGreaterEqual(len(rules), 7)
        before = self.listing(), tree_state(os.path.join(self.KDIR, self.M))
        reported = 0
        for rule in rules:
            for mode in ("report", "patch"):
                r = subprocess.run(["make", "-s", "-C", self.KDIR, "coccicheck",
                                    f"MODE={mode}", f"COCCI={os.path.abspath(rule)}", f"M={self.M}", "J=2"],
                                   capture_output=True, text=True, timeout=600)
                self.assertEqual(r.returncode, 0, f"{os.path.basename(rule)} MODE={mode}: {r.stderr[-400:]}")
                if mode == "report":
                    reported += len([l for l in r.stdout.splitlines() if l.startswith(self.M + "/")
                                     or l.startswith("./" + self.M + "/")])
        self.assertGreater(reported, 0, "no rule reported anything in fs/jbd2 (the provider rule should)")
        self.assertEqual((self.listing(), tree_state(os.path.join(self.KDIR, self.M))), before,
                         "make coccicheck changed the tree")
