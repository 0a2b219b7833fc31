"""The README's b4 flow, end to end with Debian's b4, on a series `gfpscope series --branch` wrote.

The repository is shaped as `make git-6.12` makes the default tree's: one commit, tagged
v6.12.117, and a branch per series beside master. The tree is testcases/trees/series/ with
the kernel's checkpatch.pl and get_maintainer.pl, and the files get_maintainer.pl looks for
at the top of a kernel tree. b4 is a set-up package (make setup installs it): a missing b4
fails here, it is not skipped.
"""
import email
import glob
import os
import re
import shutil
import subprocess
import unittest

from test_series import KERNEL_SCRIPTS, REF, SERIES_TREE, git_env, have_kernel_scripts, run_git
from util import ScannedTree

TAG = "v6.12.117"
BRANCH = "gfpscope/barfs-file-system"
# get_maintainer.pl's top_of_kernel_tree(): without these it refuses to run, and b4 runs it
TOP_FILES = ("COPYING", "CREDITS", "Kbuild", "README")
TOP_DIRS = ("Documentation", "arch", "include", "init", "ipc", "kernel", "lib")


def one_commit_repo(dst, env):
    shutil.copytree(SERIES_TREE, dst)
    os.makedirs(os.path.join(dst, "scripts"))
    for f in KERNEL_SCRIPTS:
        shutil.copy2(os.path.join(REF, "scripts", f), os.path.join(dst, "scripts", f))
    for f in TOP_FILES:
        open(os.path.join(dst, f), "w").close()
    for d in TOP_DIRS:
        os.makedirs(os.path.join(dst, d))
        open(os.path.join(dst, d, ".keep"), "w").close()
    run_git(dst, "init", "-q", env=env)
    run_git(dst, "add", "-A", "-f", env=env)
    run_git(dst, "commit", "-q", "-m", "Linux 6.12.117", env=env)
    run_git(dst, "tag", TAG, env=env)
    return dst


@unittest.skipUnless(have_kernel_scripts(), f"no kernel scripts in {REF} (make setup unpacks the default tree)")
class B4Flow(ScannedTree):
    SCAN_ARGS = ("-q",)
    SHARE_WORKSPACE = True

    @classmethod
    def build_tree(cls, ws):
        cls.genv = git_env(ws.tmp)
        ws.env.update(cls.genv)
        return one_commit_repo(os.path.join(ws.tmp, "linux"), ws.env)

    @classmethod
    def after_scan(cls):
        assert cls.scan.returncode == 0, cls.scan.stderr
        cls.r = cls.shared.gfpscope("series", "--kdir", cls.tree, "--out", cls.shared.out, "--branch", "gfpscope")

    def b4(self, *args, stdin=None):
        if not shutil.which("b4"):
            self.fail("b4 is not installed: apt-get install b4 (make setup installs it)")
        # b4's own cache and config stay in the test's directory; no fixed commit dates: b4
        # finds its cover-letter commit with `git log --since=1.year`
        env = dict(self.env, XDG_CACHE_HOME=os.path.join(self.tmp, "xdg-cache"),
                   XDG_CONFIG_HOME=os.path.join(self.tmp, "xdg-config"), EDITOR="cp /dev/stdin")
        for k in ("GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE"):
            env.pop(k, None)
        return subprocess.run(["b4", *args], cwd=self.tree, capture_output=True, text=True, env=env,
                              input=stdin or "", timeout=300)

    def test_prep_enrolls_and_send_writes_the_series(self):
        self.assertEqual(self.r.returncode, 0, self.r.stderr)
        patches = sorted(glob.glob(os.path.join(self.out, "series", "barfs-file-system", "0*.patch")))
        base = run_git(self.tree, "rev-parse", TAG + "^{commit}", env=self.env).strip()
        run_git(self.tree, "checkout", "-q", BRANCH, env=self.env)
        try:
            # the README's steps, in order
            p = self.b4("prep", "-e", TAG)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            self.assertIn("Will track 2 commits", p.stderr)
            desc = run_git(self.tree, "config", f"branch.{BRANCH}.description", env=self.env)
            p = self.b4("prep", "--edit-cover", stdin=desc)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            p = self.b4("prep", "--auto-to-cc")
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            info = self.b4("prep", "--show-info")
            self.assertEqual(info.returncode, 0, info.stderr)
            fields = dict(l.split(": ", 1) for l in info.stdout.splitlines() if ": " in l)
            self.assertEqual(fields["cover-subject"], desc.splitlines()[0])
            self.assertEqual(fields["base-commit"], base)
            sent = os.path.join(self.tmp, "sent")
            p = self.b4("send", "--no-sign", "-o", sent)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            self.assertIn("DRYRUN: Would have sent 3 messages", p.stderr)
        finally:
            run_git(self.tree, "checkout", "-q", "master", env=self.env)
        mails = []
        for name in sorted(os.listdir(sent)):
            with open(os.path.join(sent, name), "rb") as f:
                mails.append(email.message_from_bytes(f.read()))
        self.assertEqual(len(mails), len(patches))
        cover = mails[0].get_payload(decode=True).decode()
        # the public base, and gfpscope's cover letter, not b4's EDITME template
        self.assertIn(f"\nbase-commit: {base}\n", cover)
        self.assertNotIn("EDITME", cover)
        self.assertIn("Proven, but left out of this series:", cover)
        self.assertEqual(mails[0]["To"], "Bar Maintainer <bar@example.org>, Bar Reviewer <bar-review@example.org>")
        # each mail carries gfpscope's subject and, byte for byte, the diff that was proven
        for mail, patch in zip(mails[1:], patches[1:]):
            with open(patch) as f:
                text = f.read()
            want_subject = re.search(r"^Subject: (.*(?:\n .*)*)", text, re.M).group(1)
            self.assertEqual(" ".join(mail["Subject"].split()), " ".join(want_subject.split()))
            body = mail.get_payload(decode=True).decode()
            self.assertEqual(body[body.index("\ndiff --git"):].split("\n-- \n")[0].rstrip(),
                             text[text.index("\ndiff --git"):].split("\n-- \n")[0].rstrip())

    def test_tag_alone_is_ambiguous_with_the_branch_description_strategy(self):
        # why the README keeps b4's default cover strategy: with branch-description,
        # b4 0.12 refuses a tag that several branches contain (every series branch does)
        self.assertEqual(self.r.returncode, 0, self.r.stderr)
        run_git(self.tree, "branch", "-f", "b4test", BRANCH, env=self.env)
        run_git(self.tree, "checkout", "-q", "b4test", env=self.env)
        try:
            run_git(self.tree, "config", "b4.prep-cover-strategy", "branch-description", env=self.env)
            p = self.b4("prep", "-e", TAG)
            self.assertNotEqual(p.returncode, 0)
            self.assertIn("Multiple branches contain object", p.stderr)
        finally:
            run_git(self.tree, "config", "--unset", "b4.prep-cover-strategy", env=self.env)
            run_git(self.tree, "checkout", "-q", "master", env=self.env)
