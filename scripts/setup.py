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
"""
import os
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


def _makefile_version(tree):
    """X.Y.Z from the tree's Makefile, for the tag."""
    import re
    with open(os.path.join(tree, "Makefile"), encoding="utf-8", errors="replace") as f:
        head = f.read(4096)
    get = lambda k: (re.search(rf"^{k}\s*=\s*(\d+)", head, re.M) or [None, "0"])[1]
    return f"{get('VERSION')}.{get('PATCHLEVEL')}.{get('SUBLEVEL')}"


def gitrepo(version, cache):
    dest = os.path.join(cache, f"linux-git-{version}")
    if os.path.isfile(os.path.join(dest, ".git", "gfpscope-ready")):
        return 0
    r = unpack(version, cache)
    if r:
        return r
    src = os.path.join(cache, f"linux-source-{version}")
    tag = "v" + _makefile_version(src)
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


def main(argv):
    if len(argv) >= 2 and argv[0] == "packages":
        return install(argv[1:])
    if len(argv) == 3 and argv[0] == "tree":
        return unpack(argv[1], argv[2])
    if len(argv) == 3 and argv[0] == "gitrepo":
        return gitrepo(argv[1], argv[2])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
