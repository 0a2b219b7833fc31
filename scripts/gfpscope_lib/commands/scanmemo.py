"""A whole scan, kept by everything it depends on: a scan of the same tree content, with the
same code and options as a scan before, publishes that scan's outputs without analysing.

The per-file caches (facts, graph, greps) still leave a warm scan reading the 225 MB graph
of linux-6.12 and running the must-analysis and the handle checks over it again (some 27 s)
when nothing changed, the case of a CI job on a push that touched no source. The key is
what a scan reads, all of it:
  - the tree's source files, as the call graph's cache keys them (the path and git blob id
    of every .c/.h/.S/.s/.lds file: graphcache.tree_content), and the other files the scan
    reads in it: MAINTAINERS, scripts/get_maintainer.pl (subsystems), the top Makefile
    (the version); and the tree's path, which census.json names;
  - gfpscope's own code: every file under scripts/ and cocci/ (gfplex's sources, the
    rules, the declared providers), the Python that runs it, spatch's path, size and version;
  - the options that change a verdict: the PATHs, --timeout, the content of --providers.
    Not --jobs: the fact cache does not key by it either (a file that ran over the time
    limit is remembered as such; a longer --timeout is another key and tries again).
A scan is kept only when the tree's stats could be trusted (graphcache.RACY_NS) and no file
changed while it ran; `scan --reanalyse` ignores the kept scan (the per-file caches still
serve). An entry that cannot be read, or is of another shape, is ignored.
"""
import hashlib
import json
import os
import shutil
import sys

from ..collect import spatch
from ..collect.graphcache import stats_hash, tree_content
from ..core import cachedir, paths
from ..core.atomic import write_text
from ..core.errors import GfpError

FORMAT = "gfpscope-scan-1"
KEEP = 8                    # scans kept, the most recently used (about 0.9 MB each for linux-6.12)
TREE_FILES = ("MAINTAINERS", os.path.join("scripts", "get_maintainer.pl"), "Makefile")
FIELDS = {"sites": list, "census": dict, "providers": dict, "scopes": dict, "notes": list}

_CODE = []


def _code_key():
    """A hash of every file of gfpscope's code that a scan runs or reads (the caches under
    build/ and __pycache__ aside), and of the Python that runs it."""
    if not _CODE:
        h = hashlib.sha1(FORMAT.encode() + b"\0" + sys.version.encode())
        for top in (os.path.join(paths.REPO, "scripts"), paths.COCCI):
            for d, dirs, files in os.walk(top):
                dirs[:] = sorted(x for x in dirs if x != "__pycache__")
                for n in sorted(files):
                    p = os.path.join(d, n)
                    with open(p, "rb") as f:
                        h.update(os.path.relpath(p, paths.REPO).encode("utf-8", "surrogateescape") + b"\0")
                        h.update(f.read())
        _CODE.append(h.hexdigest())
    return _CODE[0]


def _file_bytes(path):
    try:
        with open(path, "rb") as f:
            return b"+" + f.read()
    except OSError as e:
        return b"-" + str(e.errno).encode()  # absent or unreadable: the scan sees the same


class ScanMemo:
    def __init__(self, tree, rel_paths, timeout, providers_conf):
        content, self.stats, racy = tree_content(tree)
        self.tree = tree
        self.key = None
        if racy:
            return  # a file changed too recently to trust its stat: neither served nor kept
        exe = spatch.spatch_exe()
        where = shutil.which(exe) or exe
        try:
            st = os.stat(where)
            exe_id = f"{os.path.realpath(where)}\0{st.st_size}\0{st.st_mtime_ns}"
        except OSError:
            exe_id = where
        h = content
        for part in ([_code_key(), tree.path, exe_id, spatch.spatch_version(), str(timeout),
                      "\n".join(rel_paths or ["(whole tree)"])]):
            h.update(b"\0" + str(part).encode("utf-8", "surrogateescape"))
        for rel in TREE_FILES:
            h.update(b"\0" + _file_bytes(tree.abspath(rel)))
        h.update(b"\0providers\0" + (_file_bytes(providers_conf) if providers_conf else b"(none)"))
        self.key = h.hexdigest()
        self.dir = os.path.join(paths.cache_home(), "scans")
        self.path = os.path.join(self.dir, self.key + ".json")

    def load(self):
        """The kept scan's outputs ({sites, census, providers, scopes, notes}), or None."""
        if self.key is None:
            return None
        try:
            with open(self.path, encoding="utf-8") as f:
                got = json.load(f)
        except (OSError, ValueError):
            return None
        if not (isinstance(got, dict) and got.get("format") == FORMAT and got.get("key") == self.key and
                all(isinstance(got.get(k), t) for k, t in FIELDS.items())):
            return None
        try:
            os.utime(self.path)  # recently used: kept by cachedir.prune
        except OSError:
            pass
        return {k: got[k] for k in FIELDS}

    def store(self, after, **outputs):
        """Keep this scan's outputs, unless a file changed since the key was taken (the
        outputs would be another content's). after: tree.snapshot() taken at the scan's end."""
        if self.key is None or stats_hash(self.tree, after.items()) != self.stats:
            return
        try:
            write_text(self.path, json.dumps(dict(outputs, format=FORMAT, key=self.key)))
        except GfpError:
            return  # a cache that cannot be written only costs time
        cachedir.prune([self.dir], KEEP)

