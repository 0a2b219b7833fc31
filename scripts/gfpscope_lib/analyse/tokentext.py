"""Step 3d, the token types' text: function bodies and files, read once per run.

The token checks (tokentypes.py, tokenstops.py, tokens.py) read the same definitions and
files many times; they read them through here.
"""
import os
import re

from ..collect import lexsites
from ..core import textpos


def fn_text(tree, graph, name, spans):
    """The text of name's only definition (None when it has none or several)."""
    files = graph.def_files.get(name, ())
    if len(files) != 1:
        return None
    (rel,) = files
    got = spans(rel).get(name)
    if not got or len(got) != 1:
        return None
    try:
        with open(tree.abspath(rel), "rb") as f:
            lines = f.read().split(b"\n")
    except OSError:
        return None
    a, b = got[0]
    return b"\n".join(lines[a - 1:b]).decode("latin-1")


def fn_texts(tree, graph, name, spans):
    """The text of every function definition of name (a #define of it is no definition)."""
    out = []
    for rel in sorted(graph.def_files.get(name, ())):
        got = spans(rel).get(name) or []
        if got:
            lines = read(tree, rel).split("\n")
            out += ["\n".join(lines[a - 1:b]) for a, b in got]
    return out


def spans_reader(tree):
    cache = {}

    def spans(rel):
        if rel not in cache:
            out = {}
            for f in lexsites.graph_records(tree, [rel]):
                if f[0] == "FN" and len(f) >= 7:
                    out.setdefault(f[2], []).append((int(f[5]), int(f[6])))
            cache[rel] = out
        return cache[rel]
    return spans


def block_end(text, i):
    """Where the bracket at text[i] closes, or the end of the text."""
    j = textpos.closing(text, i)
    return len(text) if j is None else j


def code(text):
    """text with its comments blanked (newlines kept, so offsets and lines stay)."""
    return re.sub(r"/\*.*?\*/|//[^\n]*", lambda m: re.sub(r"[^\n]", " ", m.group(0)), text, flags=re.S)


def spelled(t):
    """A regex group that matches the type's names: struct T, and its typedef names."""
    return "(?:%s)" % "|".join([r"struct\s+%s" % re.escape(t["tag"])] + [re.escape(a) for a in t["aliases"]])


def read(tree, rel):
    """The file's text (latin-1), read once per run while its stat stays the same."""
    return _entry(tree, rel)[0]


def read_code(tree, rel):
    """read() with its comments blanked (code()), made once per file as read() is."""
    e = _entry(tree, rel)
    if e[1] is None:
        e[1] = code(e[0])
    return e[1]


_TEXTS = {}  # (path, mtime, size) -> [text, its code() or None]: each check reads the files again


def _entry(tree, rel):
    path = tree.abspath(rel)
    try:
        st = os.stat(path)
        key = (path, st.st_mtime_ns, st.st_size)
        if key not in _TEXTS:
            if len(_TEXTS) > 20000:
                _TEXTS.clear()
            with open(path, encoding="latin-1") as f:
                _TEXTS[key] = [f.read(), None]
        return _TEXTS[key]
    except OSError:
        return ["", ""]
