"""Which files mention which words: one grep pass, to send each rule only the files it can match.

This is the driver's version of Coccinelle's own file prefilter.
"""
import hashlib
import json
import marshal
import os
import subprocess

from ..core import cachedir, paths
from ..core.atomic import write_bytes, write_text
from ..core.errors import GfpError
from ..core.log import log
from .graphcache import stats_hash, tree_content, tree_digests

# A grep's answer depends only on the files' content and names, so it is cached by the
# tree's content (graphcache.tree_content: every source file's blob id) and the pattern:
# a warm scan of linux-6.12 ran 11 greps over the tree, 14 s. After an edit, the answer for
# the tree as it was last scanned is brought up to date by grepping only the files whose
# blob id changed (a grep answers per file, so that is the whole tree's answer): the blob
# ids of that tree are kept beside the answers (digests/), and last/ names it per tree.
# The answers of a run are kept only when the scan saw no file change while it ran (flush()).
_pending = {}
MAX_CHANGED = 2000  # more changed files than this: one grep over the tree is as quick


def _top():
    return os.path.join(paths.cache_home(), "words")


def _entry(content_hex, pattern, rel_paths):
    h = hashlib.sha1(content_hex.encode())
    h.update(json.dumps([pattern, rel_paths or []]).encode("utf-8", "surrogateescape"))
    k = h.hexdigest()
    return os.path.join(_top(), "answers", k[:2], k + ".json")


def _tree_id(tree):
    return hashlib.sha1(tree.real.encode("utf-8", "surrogateescape")).hexdigest()[:16]


def _content(tree):
    """The tree's content hash, or None when a file changed too recently to trust its stat."""
    content, _snap, racy = tree_content(tree)
    return None if racy else content.hexdigest()


KEEP = 400         # answers kept, the most recent (a tree content has about a dozen)
KEEP_DIGESTS = 4   # trees' blob-id lists kept (3 MB each for linux-6.12)


def flush_unless_changed(tree):
    """flush(tree) for a command that does not check every file as scan does: the answers
    are kept only if no source file changed since the tree's content was hashed."""
    _content_hash, stats, racy = tree_content(tree)
    if not racy and stats_hash(tree) == stats:
        flush(tree)


def flush(tree=None):
    """Write the answers of this run (the scan calls it when no file changed under it), and
    keep the KEEP most recent (a history of many revisions adds a dozen each). With tree, its
    blob ids are kept too, as the base the next run's greps are brought up to date from."""
    wrote = False
    while _pending:
        path, out = _pending.popitem()
        try:
            write_text(path, json.dumps(out))
            wrote = True
        except GfpError:
            pass  # a cache that cannot be written only costs time
    content = _content(tree) if tree is not None else None
    if content:
        try:
            d = os.path.join(_top(), "digests", content + ".marshal")
            if not os.path.exists(d):
                write_bytes(d, marshal.dumps(tree_digests(tree)))
                wrote = True
            write_text(os.path.join(_top(), "last", _tree_id(tree)), content)
        except GfpError:
            pass
    if wrote:
        cachedir.prune(cachedir.subdirs(os.path.join(_top(), "answers")), KEEP)
        cachedir.prune([os.path.join(_top(), "digests")], KEEP_DIGESTS)


def _load_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            got = json.load(f)
    except (OSError, ValueError):
        return None
    try:
        os.utime(path)  # recently used: kept by cachedir.prune
    except OSError:
        pass
    return got


def _load(path):
    got = _load_json(path)
    if not (isinstance(got, dict) and all(isinstance(v, list) for v in got.values())):
        return None
    return {w: set(fs) for w, fs in got.items()}


def memo(tree, what, compute):
    """compute()'s answer (a list of strings), cached as a grep's answer is: by the tree's
    content and what (a JSON key naming the question). For the questions the tree alone
    answers, such as which names a #define in include/ defines (unknowns.py)."""
    content = _content(tree)
    if not content:
        return compute()
    entry = _entry(content, "memo:" + json.dumps(what), None)
    got = _load_json(entry)
    if isinstance(got, list) and all(isinstance(x, str) for x in got):
        return got
    out = sorted(compute())
    _pending[entry] = out
    return out


def _under(rel, rel_paths):
    return not rel_paths or any(rel == p or rel.startswith(p.rstrip("/") + "/") or p in (".", "")
                                for p in rel_paths)


def _updated(tree, content, pattern, rel_paths):
    """The answer for the tree as last scanned, with the files changed since grepped again;
    None when there is no such base or too much changed."""
    try:
        with open(os.path.join(_top(), "last", _tree_id(tree)), encoding="ascii") as f:
            base = f.read().strip()
        if base == content:
            return None
        with open(os.path.join(_top(), "digests", base + ".marshal"), "rb") as f:
            old = marshal.load(f)
    except (OSError, EOFError, ValueError, TypeError, UnicodeDecodeError):
        return None
    got = _load(_entry(base, pattern, rel_paths)) if isinstance(old, dict) else None
    if got is None:
        return None
    now = tree_digests(tree)
    changed = {r for r, d in now.items() if old.get(r) != d} | (old.keys() - now.keys())
    changed = sorted(r for r in changed if r.endswith((".c", ".h")) and _under(r, rel_paths))
    if len(changed) > MAX_CHANGED:
        return None
    for fs in got.values():
        fs.difference_update(changed)
    present = [r for r in changed if r in now]
    for w, fs in (_grep(tree, pattern, present) if present else {}).items():
        got.setdefault(w, set()).update(fs)
    log.debug("word grep brought up to date: %d changed files", len(changed))
    return {w: fs for w, fs in got.items() if fs}


def files_with(tree, words, rel_paths=None):
    """{word: set(rel files)} for files among .c/.h under rel_paths that contain a word."""
    pattern = "|".join(words)
    if rel_paths:
        # a PATH that does not resolve (a symlink loop) is listed unreadable by the lexer
        rel_paths = [p for p in rel_paths if os.path.exists(tree.abspath(p))]
        if not rel_paths:
            return {}
    content = _content(tree)
    if content:
        entry = _entry(content, pattern, rel_paths)
        got = _load(entry)
        if got is not None:
            return got
        out = _updated(tree, content, pattern, rel_paths)
        if out is None:
            out = _grep(tree, pattern, rel_paths)
        _pending[entry] = {w: sorted(fs) for w, fs in sorted(out.items())}
        return out
    return _grep(tree, pattern, rel_paths)


def _grep(tree, pattern, rel_paths):
    # -H: the file name even when PATH is one file.
    # -a: a file with a NUL byte (in a comment, say) is text to the lexer and to spatch, so
    # it is to grep too; with -I its scopes would vanish from the analysis without a word.
    # The paths are bytes kept as surrogates, as gfplex's (lexsites.py): the same strings
    # -Z: a NUL after each file name, so a name holding a newline cannot split a line in two
    args = ["grep", "-rawoHZE", "--include=*.c", "--include=*.h", "--exclude-dir=.git", pattern]
    try:
        r = subprocess.run(args + (list(rel_paths) if rel_paths else ["."]), cwd=tree.path,
                           capture_output=True, text=True, errors="surrogateescape")
    except FileNotFoundError:
        raise GfpError("grep is not installed")
    if r.returncode > 1:
        # unreadable files are reported by the scan itself; grep's other errors are fatal
        if not r.stdout:
            raise GfpError("grep failed: " + (r.stderr.strip().splitlines() or ["?"])[0])
    # NAME\0WORD\n per match; a word never holds a newline, a name may
    out = {}
    parts = r.stdout.split("\0")
    f = parts[0]
    for part in parts[1:]:
        w, _, nxt = part.partition("\n")
        f = f[2:] if f.startswith("./") else f
        if "\n" not in f and "\t" not in f:  # gfplex lists such a file as not analysed
            out.setdefault(w, set()).add(f)
        f = nxt
    return out
