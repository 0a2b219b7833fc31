"""The call graph's cache: a warm scan reads the graph back instead of lexing the tree.

`gfplex --graph` over linux-6.12 reads 60,000 files and prints 6.9 M records, which
callgraph.Graph folds into its tables (about 30 s on this machine, loaded). The folded
tables are cached here, under CACHE/callgraph/CODE/ENTRY.graph:
  - CODE hashes gfplex's sources, callgraph.py (which folds the records) and this file, so
    a changed lexer, Graph or format starts afresh;
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

from ..core import cachedir, paths
from ..core.atomic import write_bytes, write_chunks
from ..core.errors import GfpError
from . import lexsites

FORMAT = b"gfpscope-graph-1"
KEEP = 4                 # entries kept (225 MB each for linux-6.12), the most recently used
RACY_NS = 3 * 10**9      # a file changed this close to its hashing is hashed again next time
CHUNK = 2000             # items per marshal block: writing never holds much more than the graph


def _code_key():
    srcs, hdrs = lexsites.gfplex_sources()
    h = hashlib.sha1(FORMAT)
    here = os.path.abspath(__file__)
    for f in srcs + hdrs + [here, os.path.join(os.path.dirname(os.path.dirname(here)), "analyse", "callgraph.py")]:
        with open(f, "rb") as fh:
            h.update(fh.read())
    return h.hexdigest()[:16]


_buf = bytearray(1 << 16)
UNREADABLE = "-"  # in the key, for a file that cannot be stat'ed or read


def _digest_file(path, size):
    """The file's git blob id, as the fact cache keys a file (spatch.file_digest), read
    through one buffer: a malloc per file would leave the heap fragmented under the graph."""
    h = hashlib.sha1(b"blob %d\0" % size)
    view, n = memoryview(_buf), 0
    try:
        with open(path, "rb", buffering=0) as f:
            while True:
                k = f.readinto(view)
                if not k:
                    break
                h.update(view[:k])
                n += k
    except OSError:
        return UNREADABLE  # gfplex cannot read it either; the key says so
    return h.hexdigest() if n == size else None  # changed while read: no digest to trust


def stats_hash(tree, pairs=None):
    """A hash of tree.snapshot(), made without holding it, or of the snapshot's items
    (pairs) when the caller took one anyway."""
    h = hashlib.sha1()
    for rel, st in tree.source_stats() if pairs is None else pairs:
        h.update(f"{rel}\t{st}\n".encode("utf-8", "surrogateescape"))
    return h.digest()


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
            if isinstance(d, dict) and all(isinstance(v, tuple) and len(v) == 5 and isinstance(v[4], str) and
                                           len(v[4]) == 40 for v in d.values()):
                self.old = d
        except (OSError, EOFError, ValueError, TypeError):
            pass

    def keys(self, tree):
        """(hash of the tree's content, hash of its stats, whether a file changed too recently
        for its stat to be trusted): the files in snapshot order, each hashed only if its stat
        is not the one recorded."""
        now = time.time_ns()
        content, stats = hashlib.sha1(FORMAT), hashlib.sha1()
        new, racy = {}, False
        self.digests = {}  # rel -> the digest hashed into content (words.py diffs two trees by it)
        for rel, st in tree.source_stats():
            stats.update(f"{rel}\t{st}\n".encode("utf-8", "surrogateescape"))
            old = self.old.get(rel)
            if st is not None and old is not None and old[:4] == st:
                d = old[4]
                new[rel] = old
            else:
                d = _digest_file(tree.abspath(rel), st[0]) if st is not None else UNREADABLE
                if d is None:
                    racy, d = True, "changing"  # no entry is written, none has this key
                elif d != UNREADABLE and st[2] < now - RACY_NS:
                    new[rel] = st + (d,)
                elif d != UNREADABLE:
                    racy = True  # ctime close to now: a second write in the same tick keeps the stat
            content.update(f"{rel}\t{d}\n".encode("utf-8", "surrogateescape"))
            self.digests[rel] = d
        if new != self.old:
            try:
                write_bytes(self.path, marshal.dumps(new))
            except GfpError:
                pass
        return content, stats.digest(), racy


def _pieces(v):
    """A dict or set in blocks of about CHUNK items, counting the items of inner containers:
    dicts of {key: ...} parts, lists of a set's items, and ("part", key, piece) for an inner
    dict or set larger than CHUNK (a callee with thousands of callers). The blocks keep the
    dicts' order."""
    if isinstance(v, set):
        it = iter(v)
        while True:
            part = list(itertools.islice(it, CHUNK))
            if not part:
                return
            yield part
    part, weight = {}, 0
    for k, x in v.items():
        n = len(x) if isinstance(x, (dict, set)) else 1
        if n > CHUNK:
            if part:
                yield part
                part, weight = {}, 0
            it = iter(x.items() if isinstance(x, dict) else x)
            while True:
                piece = list(itertools.islice(it, CHUNK))
                if not piece:
                    break
                yield ("part", k, dict(piece) if isinstance(x, dict) else piece)
            continue
        part[k] = x
        weight += n
        if weight >= CHUNK:
            yield part
            part, weight = {}, 0
    if part:
        yield part


def tree_content(tree):
    """(hash of the tree's content, hash of its stats, racy): StatIndex.keys(), walked once
    per run and tree (the call graph and the word greps key by it). A fresh hash object
    each time: callers add their own inputs to it."""
    got = getattr(tree, "_content", None)
    if got is None:
        index = StatIndex(tree)
        got = tree._content = index.keys(tree)
        tree._digests = index.digests
    return got[0].copy(), got[1], got[2]


def tree_digests(tree):
    """{rel: git blob id} of the tree's source files as tree_content() hashed them ("-" for a
    file that cannot be read, "changing" for one that changed while read)."""
    tree_content(tree)
    return tree._digests


class GraphCache:
    def __init__(self, tree, position_files, enders):
        self.tree = tree
        self.dir = os.path.join(paths.cache_home(), "callgraph", _code_key())
        # the stats are kept as a hash, not as a snapshot: a snapshot of linux-6.12 is some
        # 20 MB, and the lexing that follows is the scan's peak of memory
        h, self.snap, self.racy = tree_content(tree)
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
            os.utime(self.path)  # recently used: kept by cachedir.prune
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
            name = block()
            if name is None:
                break
            kind = want[name]
            if kind in (dict, set):
                v = kind()
                while True:
                    b = block()
                    if b is None:
                        break
                    if type(b) is tuple:  # ("part", key, piece) of a large inner container
                        _tag, k, piece = b
                        v.setdefault(k, set() if type(piece) is list else {}).update(piece)
                    else:
                        v.update(b)
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
        if self.racy or stats_hash(self.tree) != self.snap:
            return
        enabled = gc.isenabled()
        gc.disable()  # the chunks' tuples would start full collections over the whole graph
        try:
            self._write(graph)
        finally:
            if enabled:
                gc.enable()

    def _write(self, graph):
        h = hashlib.sha1()

        def block(obj):
            data = marshal.dumps(obj)
            h.update(data)
            return struct.pack("<Q", len(data)) + data

        def chunks():
            yield block((FORMAT, self.key))
            for name, v in self._fields(graph).items():
                yield block(name)
                if isinstance(v, (dict, set)):
                    yield from (block(b) for b in _pieces(v))
                    yield block(None)
                else:
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
        """Keep the KEEP most recently used entries (of any lexer version)."""
        top = os.path.dirname(self.dir)
        cachedir.prune(cachedir.subdirs(top, leave_out=("stat",)), KEEP, lambda n: n.endswith(".graph"))
