"""Which files mention which words: one grep pass, to send each rule only the files it can match.

This is the driver's version of Coccinelle's own file prefilter.
"""
import os
import subprocess

from ..core.errors import GfpError


def files_with(tree, words, rel_paths=None):
    """{word: set(rel files)} for files among .c/.h under rel_paths that contain a word."""
    pattern = "|".join(words)
    if rel_paths:
        # a PATH that does not resolve (a symlink loop) is listed unreadable by the lexer
        rel_paths = [p for p in rel_paths if os.path.exists(tree.abspath(p))]
        if not rel_paths:
            return {}
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
