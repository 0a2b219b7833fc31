#!/usr/bin/python3
"""Set-up for gfpscope, called by the Makefile.

  setup.py packages PKG...      install the Debian packages that are missing
  setup.py tree VERSION CACHE   unpack /usr/src/linux-source-VERSION.tar.xz into
                                CACHE/linux-source-VERSION, once, atomically
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


def main(argv):
    if len(argv) >= 2 and argv[0] == "packages":
        return install(argv[1:])
    if len(argv) == 3 and argv[0] == "tree":
        return unpack(argv[1], argv[2])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
