"""A kernel git repository, read through git's plumbing: never checked out.

history and diff read each revision's files straight from git's objects:
`git ls-tree -r` lists a revision's blobs, `git cat-file --batch` streams
their contents (into gfplex --batch, so the bytes never pass through Python).
"""
import os
import shutil
import subprocess
import threading

from ..core import tree
from ..core.errors import GfpError

# ls-tree modes of the files gfplex reads in a checked-out tree: regular files
# (symlinks and submodules are skipped there too, as lstat() sees them)
REGULAR = ("100644", "100755")


def wanted(path):
    """gfplex's rule for which files are C: NAME.c or NAME.h, at least three characters."""
    name = path.rsplit("/", 1)[-1]
    return len(name) > 2 and name[-2] == "." and name[-1] in "ch"


def shallow_hint(path):
    """What to add to "no such revision" in a shallow clone, whose history stops at its
    depth: the revision may well exist, only not in this copy."""
    r = subprocess.run(["git", "-C", path, "rev-parse", "--is-shallow-repository"], capture_output=True, text=True)
    if r.stdout.strip() != "true":
        return ""
    return (f" ({path} is a shallow clone, whose history stops at its depth: "
            "git fetch --unshallow, or --deepen=N, fetches the rest)")


class GitRepo:
    def __init__(self, path):
        if not shutil.which("git"):
            raise GfpError("git is not installed: it is needed to read the repository (apt-get install git)")
        if not os.path.exists(path):
            raise GfpError(f"{path}: no such directory (give a kernel git repository with --kdir)")
        if not os.path.isdir(path):
            raise GfpError(f"{path}: is a file, not a git repository (give one with --kdir)")
        self.path = os.path.abspath(path)
        r = subprocess.run(["git", "-C", self.path, "rev-parse", "--git-dir"], capture_output=True, text=True)
        if r.returncode:
            raise GfpError(f"{path}: not a git repository (give a kernel git repository with --kdir; "
                           "make history-repo builds one from linux-source-6.1 and 6.12)")
        self.git_dir = os.path.join(self.path, r.stdout.strip())
        self._tags = None

    def git(self, *args, text=True, input=None):
        r = subprocess.run(["git", "-C", self.path, *args], capture_output=True, text=text, input=input)
        if r.returncode:
            err = r.stderr if text else r.stderr.decode("utf-8", "replace")
            last = [l for l in err.strip().splitlines() if l.strip()][-1:] or [f"exit status {r.returncode}"]
            raise GfpError(f"git {' '.join(args[:2])} failed in {self.path}: {last[0]}")
        return r.stdout

    def resolve(self, rev):
        """The commit id of REV, or a GfpError that names it."""
        if not rev or rev.startswith("-"):
            raise GfpError(f"{rev}: no such revision in {self.path}")
        r = subprocess.run(["git", "-C", self.path, "rev-parse", "--verify", "--quiet", "--end-of-options",
                            rev + "^{commit}"], capture_output=True, text=True)
        if r.returncode or not r.stdout.strip():
            raise GfpError(f"{rev}: no such revision in {self.path}{shallow_hint(self.path)}")
        return r.stdout.strip()

    def tags_by_commit(self):
        """{commit id: [tag names]} for every tag, annotated or not."""
        if self._tags is None:
            self._tags = {}
            out = self.git("for-each-ref", "refs/tags", "--format=%(objectname) %(*objectname) %(refname:short)")
            for line in out.splitlines():
                parts = line.split(" ")
                if len(parts) == 3:
                    oid, peeled, name = parts
                    self._tags.setdefault(peeled or oid, []).append(name)
        return self._tags

    def expand(self, revs):
        """The revisions to show, oldest first as given; A..B stands for A, each tagged
        commit between them, and B."""
        out = []
        for rev in revs:
            if ".." in rev and not rev.startswith("..") and not rev.endswith(".."):
                a, b = rev.split("..", 1)
                self.resolve(a)
                self.resolve(b)
                tags = self.tags_by_commit()
                commits = self.git("rev-list", "--reverse", "--topo-order", f"{a}..{b}").split()
                out.append(a)
                for c in commits[:-1]:
                    if c in tags:
                        out.append(sorted(tags[c])[0])
                out.append(b)
            else:
                out.append(rev)
        return out

    def ls_tree(self, commit):
        """(files, dirs): files is [(path, oid)] for the revision's regular files,
        in path order; dirs the set of its directories."""
        out = self.git("ls-tree", "-r", "-t", "-z", "--full-tree", commit, text=False)
        files, dirs = [], set()
        for rec in out.split(b"\0"):
            if not rec:
                continue
            meta, path = rec.split(b"\t", 1)
            mode, typ, oid = meta.decode().split(" ")
            path = path.decode("utf-8", "surrogateescape")
            if typ == "tree":
                dirs.add(path)
            elif typ == "blob" and mode in REGULAR:
                files.append((path, oid))
        files.sort()
        return files, dirs

    def read_blob(self, oid):
        return self.git("cat-file", "blob", oid, text=False)

    def renames(self, c1, c2, paths=()):
        """{old path: new path} for the C files git sees renamed between two commits,
        among PATHS (both names must be among them) when given."""
        out = self.git("diff-tree", "-r", "-M", "-z", "--diff-filter=R", "--name-status", c1, c2,
                       "--", *[":(literal)" + p for p in paths], text=False)
        parts = [p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p]
        ren, i = {}, 0
        while i < len(parts):
            if parts[i][:1] in ("R", "C") and i + 2 < len(parts):
                old, new = parts[i + 1], parts[i + 2]
                if wanted(old) and wanted(new):
                    ren[old] = new
                i += 3
            else:
                i += 2
        return ren

    def lex_blobs(self, gfplex, oids, jobs=1, kernel=False):
        """Run `git cat-file --batch | gfplex --batch` over the blobs.

        Returns (records, errors, bytes): records {oid: [fields after the path]}
        for each S (and, with kernel, K) record, errors [(oid, message)], bytes
        the size of the blobs read. With
        jobs > 1 the blobs are split into that many pipelines.
        """
        oids = list(oids)
        if not oids:
            return {}, [], 0
        jobs = max(1, min(jobs, (len(oids) + 499) // 500))
        chunks = [oids[i::jobs] for i in range(jobs)]
        results = [None] * jobs

        def one(i):
            git = subprocess.Popen(["git", "-C", self.path, "cat-file", "--batch", "--buffer"], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            lex = subprocess.Popen([gfplex, "--batch"] + (["--kernel"] if kernel else []), stdin=git.stdout,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            git.stdout.close()  # gfplex holds the read end now

            def feed():
                try:
                    git.stdin.write("".join(o + "\n" for o in chunks[i]).encode())
                    git.stdin.close()
                except BrokenPipeError:
                    pass
            t = threading.Thread(target=feed)
            t.start()
            out, err = lex.communicate()
            t.join()
            gerr = git.stderr.read()
            git.wait()
            results[i] = (out, err, lex.returncode, git.returncode, gerr)

        threads = [threading.Thread(target=one, args=(i,)) for i in range(jobs)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        records, errors, nbytes = {}, [], 0
        for out, err, lrc, grc, gerr in results:
            if grc:
                raise GfpError(f"git cat-file failed in {self.path}: "
                               f"{gerr.decode('utf-8', 'replace').strip()[-200:]}")
            if lrc:
                raise GfpError(f"gfplex --batch failed: {err.decode('utf-8', 'replace').strip()[-200:]}")
            for raw in out.split(b"\n"):
                if not raw:
                    continue
                f = raw.decode("utf-8", "replace").split("\t")
                if f[0] in ("S", "K"):
                    records.setdefault(f[1], []).append([f[0]] + f[2:])
                elif f[0] == "E":
                    errors.append((f[1], f[2] if len(f) > 2 else "?"))
                elif f[0] == "F" and len(f) > 3:
                    nbytes += int(f[3])
        return records, errors, nbytes


def makefile_version(data):
    """X.Y.Z[-extra] from a top-level Makefile's bytes, or None (core.tree reads it)."""
    v = tree.makefile_version(data[:4096].decode("utf-8", "replace"))
    return "%d.%d.%d%s" % v if v else None
