"""The kernel tree: where it is and what version, and the PATHs given inside it."""
import errno
import os
import re
import stat

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


def file_kind(mode):
    """What a file that is neither a directory nor a regular file is, for a message."""
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"),
                       (stat.S_ISBLK, "a device")):
        if test(mode):
            return name
    return "not a regular file"


class KernelTree:
    def __init__(self, path):
        self.path = os.path.abspath(path)
        if not os.path.exists(path):
            raise GfpError(f"{path}: no such directory (give a kernel tree with --kdir)")
        if not os.path.isdir(path):
            raise GfpError(f"{path}: is a file, not a kernel tree (give a directory with --kdir)")
        # the tree's real path: PATHs are compared with it (--kdir may be a symlink)
        self.real = os.path.realpath(self.path)
        mk = os.path.join(self.path, "Makefile")
        try:
            st = os.stat(mk)
            if not stat.S_ISREG(st.st_mode):  # a FIFO would block the open below forever
                raise GfpError(f"{path}: not a kernel tree (its Makefile is {file_kind(st.st_mode)})")
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

    SOURCES = (".c", ".h", ".S", ".s", ".lds")  # what the lexer, spatch and the greps read

    def snapshot(self):
        """{rel: (size, mtime, ctime, inode)} of every source file of the tree (.git aside).
        Taken before a scan reads anything and again after it, it names the files edited while
        the scan ran: the lexer, spatch and the greps may have read two versions of them.
        ctime changes on every write, whatever an editor does to mtime."""
        return dict(self.source_stats())

    def source_stats(self):
        """snapshot()'s (rel, (size, mtime, ctime, inode)) pairs, one at a time, in name order
        in each directory (the call graph's cache hashes them without holding them all;
        None for a file that cannot be stat'ed)."""
        def walk(d, rel):
            try:
                it = sorted(os.scandir(d), key=lambda e: e.name)
            except OSError:
                return
            for e in it:
                r = rel + e.name
                try:
                    if e.is_dir(follow_symlinks=False):
                        if e.name != ".git":
                            yield from walk(e.path, r + "/")
                        continue
                    if not (e.name.endswith(self.SOURCES) and e.is_file(follow_symlinks=False)):
                        continue
                    st = e.stat(follow_symlinks=False)
                    got = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
                except OSError:
                    got = None
                yield r, got
        return walk(self.path, "")

    def check_paths(self, paths):
        """The PATHs given on the command line, resolved once, here, to real paths relative to
        the tree's real path; every later step reads only these.

        A symlink is followed: where it leads must be inside the tree (a link out of the tree
        is refused; a link up the tree, fs/loop -> .., is the directory it names). A PATH
        whose real path is inside another PATH's is dropped, so no file is counted twice;
        those are returned as (PATH, the PATH that holds it). Anything but a directory or a
        regular file is refused: a FIFO would block the lexer and grep forever."""
        top = self.real.rstrip(os.sep) + os.sep
        out = []
        for p in paths:
            given = p if os.path.isabs(p) else os.path.join(self.path, os.path.normpath(p))
            if not os.path.lexists(given):
                raise GfpError(f"{p}: no such file or directory in {self.path}")
            try:
                real = os.path.realpath(given, strict=True)
            except OSError as e:
                if e.errno != errno.ELOOP:
                    raise GfpError(f"{p}: a symbolic link to {os.readlink(given)!r}, which does not exist"
                                   if os.path.islink(given) else f"{p}: {e.strerror}")
                # a symlink loop: the lexer lists it as unreadable, as any file it cannot open
                rel = os.path.relpath(os.path.abspath(given), self.path)
                if rel.startswith(".."):
                    raise GfpError(f"{p}: outside the kernel tree {self.path}")
                out.append((p, rel, False))
                continue
            if real + os.sep != top and not real.startswith(top):
                shown = "" if real == os.path.abspath(given) else f" (really {real})"
                raise GfpError(f"{p}: outside the kernel tree {self.path}{shown}")
            mode = os.stat(real).st_mode
            if not stat.S_ISDIR(mode) and not stat.S_ISREG(mode):
                raise GfpError(f"{p}: {file_kind(mode)}, not a file or directory of the kernel tree")
            out.append((p, os.path.relpath(real, self.real), True))
        return _outermost(out)


def _outermost(given):
    """([rel], [(PATH, holder)]): the rels of (PATH, rel, resolved) in order, less those equal
    to or inside an earlier one, or inside a later one. A PATH that does not resolve (a
    symlink loop) is inside nothing but itself: the walk of a directory skips symlinks, so
    only its own PATH makes the lexer list it as unreadable."""
    def inside(a, ok, b):
        return a == b or ok and (b == "." or a.startswith(b + "/"))
    kept, dropped = [], []
    for i, (p, rel, ok) in enumerate(given):
        holder = next((q for j, (q, other, _ok) in enumerate(given)
                       if j != i and inside(rel, ok, other) and (rel != other or j < i)), None)
        if holder is None:
            kept.append(rel)
        else:
            dropped.append((p, holder))
    return kept, dropped
