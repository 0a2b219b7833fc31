"""The kernel tree: where it is and what version."""
import os
import re

from .errors import GfpError


def makefile_version(head):
    """(VERSION, PATCHLEVEL, SUBLEVEL, EXTRAVERSION) from the start of a top-level Makefile
    (text), or None when it sets no VERSION and PATCHLEVEL: the one reader of the version
    (the tree's, and a history revision's; the rules run alone read it themselves)."""
    v = re.search(r"^VERSION\s*=\s*(\d+)\s*$", head, re.M)
    p = re.search(r"^PATCHLEVEL\s*=\s*(\d+)\s*$", head, re.M)
    if not v or not p:
        return None
    s = re.search(r"^SUBLEVEL\s*=\s*(\d+)\s*$", head, re.M)
    e = re.search(r"^EXTRAVERSION\s*=\s*(\S*)\s*$", head, re.M)
    return int(v.group(1)), int(p.group(1)), int(s.group(1)) if s else 0, e.group(1) if e else ""


class KernelTree:
    def __init__(self, path):
        self.path = os.path.abspath(path)
        if not os.path.exists(path):
            raise GfpError(f"{path}: no such directory (give a kernel tree with --kdir)")
        if not os.path.isdir(path):
            raise GfpError(f"{path}: is a file, not a kernel tree (give a directory with --kdir)")
        mk = os.path.join(self.path, "Makefile")
        try:
            with open(mk, encoding="utf-8", errors="replace") as f:
                head = f.read(4096)
        except FileNotFoundError:
            raise GfpError(f"{path}: not a kernel tree (no top-level Makefile)")
        except OSError as e:
            raise GfpError(f"{path}: cannot read Makefile: {e.strerror}")
        v = makefile_version(head)
        if not v:
            raise GfpError(f"{path}: not a kernel tree (its Makefile sets no VERSION and PATCHLEVEL)")
        self.version = v[:3]

    @property
    def version_str(self):
        return "%d.%d.%d" % self.version


    def abspath(self, rel):
        return os.path.join(self.path, rel)

    def check_paths(self, paths):
        """Paths given on the command line must exist inside the tree."""
        out = []
        for p in paths:
            rel = os.path.normpath(p)
            if os.path.isabs(p):
                rel = os.path.relpath(p, self.path)
            if rel.startswith(".."):
                raise GfpError(f"{p}: outside the kernel tree {self.path}")
            if not os.path.lexists(self.abspath(rel)):
                raise GfpError(f"{p}: no such file or directory in {self.path}")
            out.append(rel)
        return out
