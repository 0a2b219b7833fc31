"""The call graph's cache: a warm scan reads the graph back instead of lexing the tree.

`gfplex --graph` over linux-6.12 reads 60,000 files and prints 6.9 M records, which
callgraph.Graph folds into its tables (about 30 s on this machine, loaded). The folded
tables are cached here, under CACHE/callgraph/CODE/ENTRY.graph:
  - CODE hashes gfplex's sources and callgraph.py (which folds the records), so a changed
    lexer or Graph starts afresh;
  - ENTRY hashes the tree's content (every .c/.h/.S/.s/.lds file: its path and git blob id)
    and what the fold is given (the position files, the scope enders' pattern).

Why the whole tree's content is the unit, not a file's: gfplex's records of one file depend
on every other file (graph.c's pass 1 collects the whole tree's definitions, macros and
#includes; a REF is printed only for a name defined somewhere and visible here, a macro use
is a CALL only if some #define of it calls), so a file's records cached alone could be
wrong after an edit elsewhere. What is per file is the content digest: a per-tree index of
(size, mtime, ctime, inode) -> blob id, so a warm run reads no file at all (one stat walk,
0.3 s) and a touched or edited file is hashed again, alone. Content, not stat, decides: a
file edited and restored, a `touch`, a checkout back and forth find their graph again, and a
change is always seen (a stat that matches is trusted only if the file's ctime was well
before the moment it was hashed: ctime cannot be set by a program and moves on every write,
so a later write always changes it; see RACY_NS).

An edit of any file therefore lexes the whole tree again, as before (per-file pass-1 facts
in gfplex would be needed to do better). A cache that cannot be read, that is torn or of
another shape, is ignored and replaced; one that cannot be written only costs time.
"""
import gc
import hashlib
import itertools
import marshal
import os
import struct
import time

from ..core import paths
from ..core.atomic import write_bytes, write_chunks
from ..core.errors import GfpError
from . import lexsites
from .spatch import file_digest

FORMAT = b"gfpscope-graph-1"
KEEP = 4                 # entries kept (each about 200 MB for linux-6.12), the most recently used
RACY_NS = 3 * 10**9      # a file changed this close to its hashing is hashed again next time
CHUNK = 20000            # items per marshal block: writing never holds the whole graph twice
STALE_TMP_S = 3600       # a temporary file this old is a killed writer's


def _code_key():
    srcs, hdrs = lexsites.gfplex_sources()
    h = hashlib.sha1(FORMAT)
    for f in srcs + hdrs + [os.path.join(os.path.dirname(os.path.dirname(__file__)), "analyse", "callgraph.py")]:
        with open(f, "rb") as fh:
            h.update(fh.read())
    return h.hexdigest()[:16]


def _digest_file(path):
    # the git blob id, as the fact cache keys a file
    try:
        with open(path, "rb") as f:
            return file_digest(f.read())
    except OSError:
        return None  # unreadable: gfplex cannot read it either; the key says so


class StatIndex:
    """{rel: (size, mtime, ctime, inode, blob id)} of one tree, CACHE/callgraph/stat/TREE."""

    def __init__(self, tree):
        st = os.stat(tree.real)
        name = hashlib.sha1(f"{tree.real}\0{st.st_dev}".encode("utf-8", "surrogateescape")).hexdigest()[:16]
        self.path = os.path.join(paths.cache_home(), "callgraph", "stat", name)
        self.old = {}
        try:
            with open(self.path, "rb") as f:
                d = marshal.load(f)
            if isinstance(d, dict) and all(isinstance(v, tuple) and len(v) == 5 for v in d.values()):
                self.old = d
        except (OSError, EOFError, ValueError, TypeError):
            pass

    def digests(self, tree, snap):
        """({rel: blob id}, whether a file changed too recently for its stat to be trusted)."""
        now = time.time_ns()
        out, new, racy = {}, {}, False
        for rel, st in snap.items():
            old = self.old.get(rel)
            if st is not None and old is not None and old[:4] == st:
                out[rel] = new[rel] = old
                continue
            d = _digest_file(tree.abspath(rel)) if st is not None else None
            out[rel] = (None, None, None, None, d)
            if st is None or d is None:
                continue
            if st[2] >= now - RACY_NS:
                racy = True  # ctime close to now: a second write in the same tick keeps the stat
            else:
                new[rel] = st + (d,)
        if new != self.old:
            try:
                write_bytes(self.path, marshal.dumps(new))
            except GfpError:
                pass
        return {r: v[4] for r, v in out.items()}, racy


class GraphCache:
    def __init__(self, tree, position_files, enders):
        self.tree = tree
        self.dir = os.path.join(paths.cache_home(), "callgraph", _code_key())
        self.snap = tree.snapshot()
        digests, self.racy = StatIndex(tree).digests(tree, self.snap)
        h = hashlib.sha1(FORMAT)
        for rel in sorted(digests):
            h.update(f"{rel}\t{digests[rel] or '-'}\n".encode("utf-8", "surrogateescape"))
        h.update(b"\0positions\n" + "\n".join(sorted(position_files)).encode("utf-8", "surrogateescape"))
        h.update(b"\0enders\n" + enders.pattern.encode("utf-8", "surrogateescape"))
        self.key = h.hexdigest()
        self.path = os.path.join(self.dir, self.key + ".graph")

    @staticmethod
    def _fields(graph):
        # what Graph holds after lex_graph, less what the caller gives it
        return {k: v for k, v in vars(graph).items() if k not in ("position_files", "enders", "_defined_enders", "from_cache")}

    def load(self, graph):
        """Fill graph from the entry; False (graph untouched) when there is none that loads."""
        want = {k: type(v) for k, v in self._fields(graph).items()}
        enabled = gc.isenabled()
        gc.disable()  # millions of containers: the collector would walk them again and again
        try:
            with open(self.path, "rb") as f:
                got = self._read(f, want)
        except (OSError, EOFError, ValueError, TypeError, KeyError, struct.error):
            got = None
        finally:
            if enabled:
                gc.enable()
        if got is None:
            return False
        for k, v in got.items():
            setattr(graph, k, v)
        try:
            os.utime(self.path)  # recently used: kept by _prune
        except OSError:
            pass
        return True

    def _read(self, f, want):
        h = hashlib.sha1()
        size = os.fstat(f.fileno()).st_size

        def block():
            n = struct.unpack("<Q", f.read(8))[0]
            if n > size:
                raise EOFError  # a length no block of this file can have
            data = f.read(n)
            if len(data) != n:
                raise EOFError
            h.update(data)
            return marshal.loads(data)
        if block() != (FORMAT, self.key):
            return None
        got = {}
        while True:
            head = block()
            if head is None:
                break
            name, count = head
            kind = want[name]
            if kind in (dict, set):
                v = kind()
                for _ in range(count):
                    v.update(block())
            else:
                v = block()
            if type(v) is not kind:
                return None
            got[name] = v
        tail = f.read()
        if got.keys() != want.keys() or tail != h.digest():
            return None  # torn, another shape, or bytes changed under it
        return got

    def store(self, graph):
        """Write the entry, unless a file changed while the graph was lexed (or too recently
        to tell by its stat): the entry would hold a graph of another content than its key."""
        if self.racy or self.tree.snapshot() != self.snap:
            return
        h = hashlib.sha1()

        def block(obj):
            data = marshal.dumps(obj)
            h.update(data)
            return struct.pack("<Q", len(data)) + data

        def chunks():
            yield block((FORMAT, self.key))
            for name, v in self._fields(graph).items():
                if isinstance(v, (dict, set)):
                    n = (len(v) + CHUNK - 1) // CHUNK
                    yield block((name, n))
                    it = iter(v.items() if isinstance(v, dict) else v)
                    for _ in range(n):
                        part = list(itertools.islice(it, CHUNK))
                        yield block(dict(part) if isinstance(v, dict) else part)
                else:
                    yield block((name, 1))
                    yield block(v)
            yield block(None)
            yield h.digest()
        try:
            # no fsync: a file a crash tore fails the digest and is ignored
            write_chunks(self.path, chunks(), sync=False)
        except GfpError:
            return
        self._prune()

    def _prune(self):
        """Keep the KEEP most recently used entries (of any lexer version), and remove the
        temporary files of writers that were killed."""
        top = os.path.dirname(self.dir)
        entries, now = [], time.time()
        for d in os.listdir(top) if os.path.isdir(top) else ():
            if d == "stat":
                continue
            full = os.path.join(top, d)
            try:
                names = os.listdir(full)
            except OSError:
                continue
            for n in names:
                p = os.path.join(full, n)
                try:
                    m = os.stat(p).st_mtime
                except OSError:
                    continue
                if n.endswith(".graph"):
                    entries.append((m, p))
                elif n.endswith(".tmp") and now - m > STALE_TMP_S:
                    entries.append((0, p))  # a killed writer's: removed below
        entries.sort(reverse=True)
        for _m, p in [e for e in entries if e[0]][KEEP:] + [e for e in entries if not e[0]]:
            try:
                os.unlink(p)
            except OSError:
                pass
