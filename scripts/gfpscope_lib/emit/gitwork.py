"""Git plumbing for `gfpscope series`, kept away from the user's checkout.

Commits are made in a scratch repository of our own (a temporary `git init`
that borrows the kernel repository's objects through objects/info/alternates,
or, for a plain tree, holds just the touched files), with a temporary index.
So neither the user's working tree, nor its index, nor its HEAD, nor even its
object store is written. Only `--branch` writes to the user's repository: it
runs `git am` in a separate, temporary worktree with `-b`, so that the branch
is made by the same step that proves the series applies.
"""
import os
import shutil
import subprocess
import tempfile

from ..collect.gitrepo import shallow_hint
from ..core.errors import GfpError

# The user's config must not change what we write: no a/ b/ prefix changes, no
# automatic sign-off or cover letter, no hooks running in scratch worktrees.
SAFE_CONFIG = ["-c", "diff.noprefix=false", "-c", "diff.mnemonicPrefix=false",
               "-c", "format.signOff=false", "-c", "format.coverLetter=false",
               "-c", "format.useAutoBase=false", "-c", "format.thread=false",
               "-c", "diff.renames=false", "-c", "core.hooksPath=" + os.devnull,
               "-c", "am.threeWay=false", "-c", "core.autocrlf=false"]


def git(cwd, *args, env=None, input=None, check=True, binary=False):
    try:
        r = subprocess.run(["git", *SAFE_CONFIG, *args], cwd=cwd, capture_output=True,
                           text=not binary, input=input, env=env)
    except FileNotFoundError:
        raise GfpError("git is not installed: `gfpscope series` needs it (apt-get install git)")
    if check and r.returncode:
        err = r.stderr if not binary else r.stderr.decode("utf-8", "replace")
        last = (err.strip().splitlines() or ["?"])[-1]
        raise GfpError(f"git {args[0]} failed: {last}")
    return r


def repo_top(path):
    """path when it is the top of a git work tree, else None (a repository above it does not count)."""
    env = dict(os.environ, GIT_CEILING_DIRECTORIES=os.path.dirname(path))
    try:
        r = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=path, capture_output=True,
                           text=True, env=env)
    except FileNotFoundError:
        return None
    if r.returncode or os.path.realpath(r.stdout.strip()) != os.path.realpath(path):
        return None
    return path


def identity(repo):
    """(name, email) for Signed-off-by, as `git commit` would take them."""
    got = []
    for key in ("user.name", "user.email"):
        r = subprocess.run(["git", "config", "--get", key], cwd=repo or "/", capture_output=True, text=True)
        got.append(r.stdout.strip())
    if not all(got):
        raise GfpError("git user.name and user.email are not set, and Signed-off-by needs them: "
                       "git config --global user.name 'Your Name'; "
                       "git config --global user.email you@example.org")
    return tuple(got)


def resolve_base(repo, rev):
    r = git(repo, "rev-parse", "--verify", "--quiet", (rev or "HEAD") + "^{commit}", check=False)
    if r.returncode:
        raise GfpError(f"--base {rev or 'HEAD'}: not a commit in {repo}"
                       + (shallow_hint(repo) if rev else " (the repository has no commits yet)"))
    return r.stdout.strip()


class Scratch:
    """A temporary repository to build commits in. Removed by close()."""

    def __init__(self, tree_path, repo, base_rev, files, ident):
        self.dir = tempfile.mkdtemp(prefix="gfpscope-series.")
        self.ident = ident
        try:
            git(self.dir, "init", "-q")
            if repo:
                common = git(repo, "rev-parse", "--path-format=absolute", "--git-common-dir").stdout.strip()
                with open(os.path.join(self.dir, ".git", "objects", "info", "alternates"), "w") as f:
                    f.write(os.path.join(common, "objects") + "\n")
                self.base = resolve_base(repo, base_rev)
                self.real_base = True
            else:
                self.base = self._plain_base(tree_path, files)
                self.real_base = False
        except BaseException:
            self.close()
            raise

    def env(self, index=None):
        e = dict(os.environ, GIT_AUTHOR_NAME=self.ident[0], GIT_AUTHOR_EMAIL=self.ident[1],
                 GIT_COMMITTER_NAME=self.ident[0], GIT_COMMITTER_EMAIL=self.ident[1])
        if index:
            e["GIT_INDEX_FILE"] = index
        return e

    def _plain_base(self, tree_path, files):
        """A base commit holding the touched files (and the Makefile) as they are in the tree."""
        index = os.path.join(self.dir, ".git", "base.index")
        env = dict(self.env(index), GIT_AUTHOR_DATE="2000-01-01T00:00:00Z",
                   GIT_COMMITTER_DATE="2000-01-01T00:00:00Z")
        for rel in sorted(set(files) | {"Makefile"}):
            path = os.path.join(tree_path, rel)
            if not os.path.isfile(path):
                continue
            sha = git(self.dir, "hash-object", "-w", "--no-filters", path).stdout.strip()
            mode = "100755" if os.access(path, os.X_OK) else "100644"
            git(self.dir, "update-index", "--add", "--cacheinfo", f"{mode},{sha},{rel}", env=env)
        tree = git(self.dir, "write-tree", env=env).stdout.strip()
        return git(self.dir, "commit-tree", tree, "-m", "gfpscope: the scanned files", env=env).stdout.strip()

    def blob(self, rev, rel):
        r = git(self.dir, "cat-file", "blob", f"{rev}:{rel}", check=False, binary=True)
        if r.returncode:
            return None
        return r.stdout

    def mode(self, rev, rel):
        out = git(self.dir, "ls-tree", rev, "--", rel).stdout.split()
        return out[0] if out else "100644"

    def commits(self, patches):
        """Commit each (message, {rel: new text}) on top of the base; returns the tip.

        Each file's text is the whole new content, so patches touching one file in
        turn simply carry the file forward.
        """
        index = os.path.join(self.dir, ".git", "series.index")
        env = self.env(index)
        if os.path.exists(index):
            os.unlink(index)
        git(self.dir, "read-tree", self.base, env=env)
        parent = self.base
        modes = {}
        for msg, texts in patches:
            for rel, text in sorted(texts.items()):
                if rel not in modes:
                    modes[rel] = self.mode(self.base, rel)
                sha = git(self.dir, "hash-object", "-w", "--no-filters", "--stdin",
                          input=text if isinstance(text, bytes) else text.encode("utf-8"), binary=True).stdout.decode().strip()
                git(self.dir, "update-index", "--cacheinfo", f"{modes[rel]},{sha},{rel}", env=env)
            tree = git(self.dir, "write-tree", env=env).stdout.strip()
            parent = git(self.dir, "commit-tree", tree, "-p", parent, "-F", "-", env=env,
                         input=msg).stdout.strip()
        return parent

    def format_patch(self, tip, outdir, to, cc):
        """git format-patch --cover-letter of base..tip into outdir; the file names, in order."""
        args = ["format-patch", "-q", "--cover-letter", "-o", outdir]
        if self.real_base:
            args.append("--base=" + self.base)  # base-commit: for b4 and the maintainer's tools
        args += ["--to=" + a for a in to] + ["--cc=" + a for a in cc]
        out = git(self.dir, *args, f"{self.base}..{tip}", env=self.env()).stdout
        return [l.strip() for l in out.splitlines() if l.strip()] or sorted(
            os.path.join(outdir, f) for f in os.listdir(outdir))

    def am(self, patch_files, touched, inspect=None):
        """Prove the series: `git am` every patch, in order, on a checkout of the base.

        Returns the tree id of the result, after inspect(worktree) has looked at it.
        Only the touched files are checked out: am looks only at the paths a patch
        names, and writing a whole kernel takes a minute.
        """
        wt = os.path.join(self.dir, "am")
        git(self.dir, "worktree", "add", "-q", "--no-checkout", "--detach", wt, self.base)
        try:
            _head, tree = am_in(wt, self.base, patch_files, touched, self.env())
            if inspect:
                inspect(wt)
            return tree
        finally:
            git(self.dir, "worktree", "remove", "--force", wt, check=False)

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def am_in(wt, base, patch_files, touched, env):
    git(wt, "read-tree", base, env=env)
    git(wt, "checkout", base, "--", *sorted(touched), env=env)
    r = git(wt, "am", "-q", "--no-3way", *patch_files, env=env, check=False)
    if r.returncode:
        msg = (r.stdout + r.stderr).strip().splitlines()
        git(wt, "am", "--abort", env=env, check=False)
        why = next((l for l in msg if "error:" in l or "does not apply" in l or "failed" in l),
                   msg[0] if msg else "?")
        raise GfpError("git am failed: " + why.strip())
    head = git(wt, "rev-parse", "HEAD").stdout.strip()
    return head, git(wt, "rev-parse", "HEAD^{tree}").stdout.strip()


def branch_exists(repo, name):
    return git(repo, "rev-parse", "--verify", "--quiet", "refs/heads/" + name, check=False).returncode == 0


def check_branch_name(repo, name):
    if git(repo, "check-ref-format", "--branch", name, check=False).returncode:
        raise GfpError(f"--branch: {name} is not a valid branch name")
    if branch_exists(repo, name):
        raise GfpError(f"branch {name} already exists in {repo}: delete it (git branch -D {name}) "
                       "or give another --branch prefix")


def make_branch(repo, name, base, patch_files, touched, env, description):
    """The series as branch `name` of the user's repository, by `git am` in a temporary worktree.

    The user's checkout, index and HEAD are not touched: the worktree is a separate
    directory with its own index and HEAD, removed afterwards.
    """
    tmp = tempfile.mkdtemp(prefix="gfpscope-branch.")
    wt = os.path.join(tmp, "wt")
    try:
        git(repo, "worktree", "add", "-q", "--no-checkout", "-b", name, wt, base)
        try:
            am_in(wt, base, patch_files, touched, env)
        except GfpError:
            git(repo, "worktree", "remove", "--force", wt, check=False)
            git(repo, "branch", "-D", name, check=False)
            raise
        # b4 and `git format-patch --cover-from-description` read the cover letter from here
        git(repo, "config", f"branch.{name}.description", description)
    finally:
        git(repo, "worktree", "remove", "--force", wt, check=False)
        git(repo, "worktree", "prune", check=False)
        shutil.rmtree(tmp, ignore_errors=True)
