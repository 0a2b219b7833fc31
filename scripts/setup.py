#!/usr/bin/python3
"""Set-up for gfpscope, called by the Makefile.

  setup.py packages PKG...      install the Debian packages that are missing
  setup.py tree VERSION CACHE   unpack /usr/src/linux-source-VERSION.tar.xz into
                                CACHE/linux-source-VERSION, once, atomically
  setup.py gitrepo VERSION CACHE
                                make CACHE/linux-git-VERSION: a git repository
                                with one commit of that tree, tagged vX.Y.Z,
                                once, atomically (`gfpscope series` needs a
                                repository to make branches and run git am)
  setup.py history-repo CACHE   make CACHE/linux-history, a git repository whose
                                commits are the unpacked trees linux-source-6.1
                                and linux-source-6.12, tagged vX.Y.Z, once,
                                atomically (see make_history_repo)
  setup.py history-points CACHE make CACHE/linux-history-6.12: the earlier 6.12
                                point release still in Debian's archive
                                (downloaded, not installed) and the installed
                                one, as tagged commits: a release-to-release step
                                for bench/history
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile


def missing_packages(pkgs):
    out = []
    for p in pkgs:
        r = subprocess.run(["dpkg-query", "-W", "-f=${Status}", p], capture_output=True, text=True)
        if "install ok installed" not in r.stdout:
            out.append(p)
    return out


def install(pkgs):
    need = missing_packages(pkgs)
    if not need:
        return 0
    prefix = []
    if os.geteuid() != 0:
        if not shutil.which("sudo"):
            print(f"setup: missing Debian packages: {' '.join(need)}; run as root: "
                  f"apt-get install {' '.join(need)}", file=sys.stderr)
            return 2
        prefix = ["sudo"]
    print(f"setup: installing {' '.join(need)}", file=sys.stderr)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    r = subprocess.run(prefix + ["apt-get", "install", "-y", "--no-install-recommends"] + need, env=env)
    if r.returncode:
        # the package lists may be stale or absent on a fresh machine
        subprocess.run(prefix + ["apt-get", "update"], env=env)
        r = subprocess.run(prefix + ["apt-get", "install", "-y", "--no-install-recommends"] + need, env=env)
    if r.returncode or missing_packages(need):
        print(f"setup: could not install {' '.join(need)}", file=sys.stderr)
        return 2
    return 0


def unpack(version, cache):
    dest = os.path.join(cache, f"linux-source-{version}")
    if os.path.isfile(os.path.join(dest, "Makefile")):
        return 0
    tarball = f"/usr/src/linux-source-{version}.tar.xz"
    if not os.path.isfile(tarball):
        print(f"setup: {tarball} not found: apt-get install linux-source-{version}", file=sys.stderr)
        return 2
    os.makedirs(cache, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=f".unpack-{version}.", dir=cache)
    print(f"setup: unpacking {tarball} into {dest}", file=sys.stderr)
    r = subprocess.run(["tar", "-xJf", tarball, "-C", tmp])
    src = os.path.join(tmp, f"linux-source-{version}")
    if r.returncode or not os.path.isdir(src):
        shutil.rmtree(tmp, ignore_errors=True)
        print(f"setup: unpacking {tarball} failed", file=sys.stderr)
        return 2
    if os.path.isdir(dest):
        shutil.rmtree(dest)  # a half-unpacked tree from an interrupted run
    os.rename(src, dest)
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


def gitrepo(version, cache):
    dest = os.path.join(cache, f"linux-git-{version}")
    if os.path.isfile(os.path.join(dest, ".git", "gfpscope-ready")):
        return 0
    r = unpack(version, cache)
    if r:
        return r
    src = os.path.join(cache, f"linux-source-{version}")
    tag = "v" + _tree_version(src)
    # built beside the destination and renamed into place, so an interrupted run
    # never leaves a half-made repository that looks ready
    tmp = tempfile.mkdtemp(prefix=f".git-{version}.", dir=cache)
    work = os.path.join(tmp, "linux")
    print(f"setup: making {dest}: one commit of {src}, tagged {tag}", file=sys.stderr)
    # fixed identity and dates: the same tarball gives the same commit id everywhere
    env = dict(os.environ, GIT_AUTHOR_NAME="gfpscope setup", GIT_AUTHOR_EMAIL="gfpscope@localhost",
               GIT_COMMITTER_NAME="gfpscope setup", GIT_COMMITTER_EMAIL="gfpscope@localhost",
               GIT_AUTHOR_DATE="2000-01-01T00:00:00Z", GIT_COMMITTER_DATE="2000-01-01T00:00:00Z",
               GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull)
    steps = [["cp", "-a", src + "/.", work + "/"],
             ["git", "-C", work, "init", "-q", "-b", "master"],
             # -f: files the kernel's .gitignore names are in the tarball too, and the
             # scan saw them; the commit must hold exactly the tree that was scanned
             ["git", "-C", work, "add", "-A", "-f"],
             ["git", "-C", work, "commit", "-q", "--no-verify", "-m", f"Linux {tag[1:]}"],
             ["git", "-C", work, "tag", tag]]
    os.makedirs(work)
    for cmd in steps:
        if subprocess.run(cmd, env=env).returncode:
            shutil.rmtree(tmp, ignore_errors=True)
            print(f"setup: {' '.join(cmd[:4])} failed", file=sys.stderr)
            return 2
    open(os.path.join(work, ".git", "gfpscope-ready"), "w").close()
    if os.path.isdir(dest):
        shutil.rmtree(dest)  # a half-made repository from an interrupted run
    os.rename(work, dest)
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


HISTORY_TREES = ("6.1", "6.12")


def _tree_version(tree):
    """X.Y.Z from a tree's top-level Makefile."""
    with open(os.path.join(tree, "Makefile"), encoding="utf-8", errors="replace") as f:
        head = f.read(4096)
    nums = []
    for key in ("VERSION", "PATCHLEVEL", "SUBLEVEL"):
        m = re.search(r"^%s\s*=\s*(\d+)\s*$" % key, head, re.M)
        if not m:
            raise ValueError(f"{tree}/Makefile sets no {key}")
        nums.append(m.group(1))
    return ".".join(nums)


# The point release before the installed linux-source-6.12, still in Debian's archive
# (apt-cache madison linux-source-6.12): with the installed one it makes a short
# stretch of real history, what `gfpscope history` costs from one release to the next.
POINT_SERIES = "6.12"
POINT_RELEASES = ("6.12.115-2~deb12u1",)


def fetch_point_tree(pkgver, cache, series=POINT_SERIES):
    """CACHE/linux-source-X.Y.Z of an earlier Debian package version, downloaded with
    apt-get download (no installation) and unpacked, once, atomically."""
    ver = pkgver.split("-")[0]
    dest = os.path.join(cache, f"linux-source-{ver}")
    if os.path.isfile(os.path.join(dest, "Makefile")):
        return dest
    os.makedirs(cache, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=f".fetch-{ver}.", dir=cache)
    try:
        print(f"setup: downloading linux-source-{series} {pkgver}", file=sys.stderr)
        r = subprocess.run(["apt-get", "download", f"linux-source-{series}={pkgver}"], cwd=tmp,
                           capture_output=True, text=True)
        debs = [f for f in os.listdir(tmp) if f.endswith(".deb")]
        if r.returncode or not debs:
            raise RuntimeError(f"apt-get download linux-source-{series}={pkgver} failed: "
                               f"{(r.stderr.strip().splitlines() or ['?'])[-1]} (is that version still in "
                               f"the archive? apt-cache madison linux-source-{series})")
        tarball = f"./usr/src/linux-source-{series}.tar.xz"
        ex = subprocess.run(f"dpkg-deb --fsys-tarfile '{debs[0]}' | tar -x -f - '{tarball}'", shell=True,
                            cwd=tmp, capture_output=True, text=True)
        os.unlink(os.path.join(tmp, debs[0]))
        if ex.returncode:
            raise RuntimeError(f"cannot take {tarball} out of {debs[0]}: {ex.stderr.strip()[:200]}")
        print(f"setup: unpacking it into {dest}", file=sys.stderr)
        if subprocess.run(["tar", "-xJf", os.path.join(tmp, tarball), "-C", tmp]).returncode:
            raise RuntimeError(f"unpacking {tarball} failed")
        got = _tree_version(os.path.join(tmp, f"linux-source-{series}"))
        if got != ver:
            raise RuntimeError(f"the package {pkgver} holds Linux {got}, not {ver}")
        os.rename(os.path.join(tmp, f"linux-source-{series}"), dest)
        return dest
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def make_points_repo(cache):
    """CACHE/linux-history-6.12: the point releases of POINT_RELEASES and the installed
    linux-source-6.12, one tagged commit each, built as make_history_repo builds."""
    r = unpack(POINT_SERIES, cache)
    if r:
        return r
    try:
        trees = [fetch_point_tree(v, cache) for v in POINT_RELEASES]
    except (OSError, RuntimeError, ValueError) as e:
        print(f"setup: {e}", file=sys.stderr)
        return 2
    trees.append(os.path.join(cache, f"linux-source-{POINT_SERIES}"))
    return make_history_repo(cache, dest=os.path.join(cache, f"linux-history-{POINT_SERIES}"), trees=trees)


def make_history_repo(cache, versions=HISTORY_TREES, dest=None, trees=None):
    """CACHE/linux-history: one commit per unpacked tree, in order, each tagged vX.Y.Z.

    The trees are read where they are and never modified or copied: git's
    plumbing adds each one to a private index (GIT_INDEX_FILE, with
    --work-tree pointing at the read-only tree), writes the tree object and a
    commit whose parent is the previous one. Ignored files are added too
    (add -f): the census counts every .c/.h file of the tree, and the
    kernel's .gitignore files would hide some. The repository is bare, built
    in a temporary directory beside DEST and renamed into place at the end,
    so an interrupted run leaves nothing that looks finished. The objects
    are then packed into one pack, as in a clone of the kernel.
    """
    dest = dest or os.path.join(cache, "linux-history")
    if os.path.isfile(os.path.join(dest, "HEAD")) and os.path.isdir(os.path.join(dest, "refs", "tags")):
        return 0
    trees = trees or [os.path.join(cache, f"linux-source-{v}") for v in versions]
    for t in trees:
        if not os.path.isfile(os.path.join(t, "Makefile")):
            print(f"setup: {t} not found: run make tree-{os.path.basename(t)[len('linux-source-'):]}",
                  file=sys.stderr)
            return 2
    import time
    start = time.time()
    os.makedirs(cache, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=".linux-history.", dir=os.path.dirname(os.path.abspath(dest)))
    git_dir = os.path.join(tmp, "repo.git")
    env = dict(os.environ, GIT_DIR=git_dir, GIT_INDEX_FILE=os.path.join(tmp, "index"),
               GIT_AUTHOR_NAME="gfpscope", GIT_AUTHOR_EMAIL="gfpscope@localhost",
               GIT_COMMITTER_NAME="gfpscope", GIT_COMMITTER_EMAIL="gfpscope@localhost")

    def git(*args, **kw):
        r = subprocess.run(["git", *args], env=kw.pop("env", env), capture_output=True, text=True, **kw)
        if r.returncode:
            raise RuntimeError(f"git {' '.join(args)}: {r.stderr.strip()}")
        return r.stdout.strip()

    try:
        git("init", "-q", "--bare", git_dir)
        git("config", "core.autocrlf", "false")
        git("config", "gc.auto", "0")
        parent = None
        for i, t in enumerate(trees):
            ver = _tree_version(t)
            # the same instant for every build: the same commit ids on every machine
            date = f"{1700000000 + i * 86400} +0000"
            cenv = dict(env, GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
            if os.path.exists(env["GIT_INDEX_FILE"]):
                os.unlink(env["GIT_INDEX_FILE"])
            print(f"setup: adding {t} (Linux {ver}) to {dest}", file=sys.stderr)
            git("--work-tree", t, "add", "-A", "-f", ".", env=cenv)
            tree = git("write-tree", env=cenv)
            args = ["commit-tree", tree, "-m", f"{os.path.basename(t)} ({ver})"]
            if parent:
                args += ["-p", parent]
            parent = git(*args, env=cenv)
            git("tag", f"v{ver}", parent, env=cenv)
        git("update-ref", "refs/heads/master", parent)
        git("symbolic-ref", "HEAD", "refs/heads/master")
        os.unlink(env["GIT_INDEX_FILE"])
        # one pack instead of ~150000 loose objects, as a kernel clone has: fast
        # compression and no delta search (which would take many minutes)
        print("setup: packing the objects", file=sys.stderr)
        git("-c", "pack.compression=1", "-c", "repack.writeBitmaps=false",
            "repack", "-a", "-d", "-q", "--window=0", "--depth=0")
        try:
            os.rename(git_dir, dest)
        except OSError:
            if not os.path.isfile(os.path.join(dest, "HEAD")):
                raise
            # another run finished first: its repository has the same commits
            print(f"setup: {dest} was built meanwhile by another run", file=sys.stderr)
    except (OSError, RuntimeError, ValueError) as e:
        print(f"setup: building {dest} failed: {e}", file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"setup: {dest} built in {time.time() - start:.0f} s", file=sys.stderr)
    return 0


def main(argv):
    if len(argv) >= 2 and argv[0] == "packages":
        return install(argv[1:])
    if len(argv) == 3 and argv[0] == "tree":
        return unpack(argv[1], argv[2])
    if len(argv) == 3 and argv[0] == "gitrepo":
        return gitrepo(argv[1], argv[2])
    if len(argv) == 2 and argv[0] == "history-repo":
        return make_history_repo(argv[1])
    if len(argv) == 2 and argv[0] == "history-points":
        return make_points_repo(argv[1])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
