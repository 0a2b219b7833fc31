"""Which files mention which words: one grep pass, to send each rule only the files it can match.

This is the driver's version of Coccinelle's own file prefilter.
"""
import json
import os
import subprocess

from ..core import paths
from ..core.atomic import write_text
from ..core.errors import GfpError
from .graphcache import tree_content

# A grep's answer depends only on the files' content and names, so it is cached by the
# tree's content (graphcache.tree_content: every source file's blob id) and the pattern:
# a warm scan of linux-6.12 ran 11 greps over the tree, 14 s. The answers of a run are
# kept only when the scan saw no file change while it ran (flush()).
_pending = {}


def _entry(tree, pattern, rel_paths):
    content, _snap, racy = tree_content(tree)
    if racy:
        return None  # a file changed too recently to trust its stat: grep, keep nothing
    content.update(json.dumps([pattern, rel_paths or []]).encode("utf-8", "surrogateescape"))
    k = content.hexdigest()
    return os.path.join(paths.cache_home(), "words", k[:2], k + ".json")


KEEP = 400  # entries kept, the most recent (a tree content has about a dozen)


def flush():
    """Write the answers of this run (the scan calls it when no file changed under it), and
    keep the KEEP most recent entries (a history of many revisions adds a dozen each)."""
    top = None
    while _pending:
        path, out = _pending.popitem()
        top = os.path.dirname(os.path.dirname(path))
        try:
            write_text(path, json.dumps({w: sorted(fs) for w, fs in sorted(out.items())}))
        except GfpError:
            pass  # a cache that cannot be written only costs time
    if top:
        _prune(top)


def _prune(top):
    entries = []
    for d in os.listdir(top) if os.path.isdir(top) else ():
        sub = os.path.join(top, d)
        for n in os.listdir(sub) if os.path.isdir(sub) else ():
            p = os.path.join(sub, n)
            try:
                entries.append((os.stat(p).st_mtime, p))
            except OSError:
                pass
    for _m, p in sorted(entries, reverse=True)[KEEP:]:
        try:
            os.unlink(p)
        except OSError:
            pass


def files_with(tree, words, rel_paths=None):
    """{word: set(rel files)} for files among .c/.h under rel_paths that contain a word."""
    pattern = "|".join(words)
    if rel_paths:
        # a PATH that does not resolve (a symlink loop) is listed unreadable by the lexer
        rel_paths = [p for p in rel_paths if os.path.exists(tree.abspath(p))]
        if not rel_paths:
            return {}
    entry = _entry(tree, pattern, rel_paths)
    if entry:
        try:
            with open(entry, encoding="utf-8") as f:
                got = json.load(f)
            if isinstance(got, dict) and all(isinstance(v, list) for v in got.values()):
                try:
                    os.utime(entry)  # recently used: kept by _prune
                except OSError:
                    pass
                return {w: set(fs) for w, fs in got.items()}
        except (OSError, ValueError):
            pass
    out = _grep(tree, pattern, rel_paths)
    if entry:
        _pending[entry] = {w: set(fs) for w, fs in out.items()}  # a copy: callers may change theirs
    return out


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
