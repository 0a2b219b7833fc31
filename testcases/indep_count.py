#!/usr/bin/python3
"""An independent count of GFP_NOFS/GFP_NOIO code tokens, to check gfplex.

It shares no code with gfplex: gcc's own preprocessor strips the comments
(`gcc -fpreprocessed -dD -E -P`, which expands nothing and keeps directives),
then a regular expression drops string and character literals and the
`#define GFP_NOFS`/`#define GFP_NOIO` definitions, and counts what is left.

  indep_count.py KDIR [PATH...]    prints "TOTAL" then "file count" lines
"""
import os
import re
import subprocess
import sys

STRINGS = re.compile(r'"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'')
TOKEN = re.compile(r"(?<![A-Za-z0-9_$])GFP_NO(?:FS|IO)(?![A-Za-z0-9_$])")
DEFINE = re.compile(r"^\s*#\s*define\s+GFP_NO(?:FS|IO)\b", re.M)
DIRECTIVE_USE = re.compile(r"^\s*#\s*(?:if|ifdef|ifndef|elif|undef)\b.*$", re.M)
INCLUDE = re.compile(r"^\s*#\s*include\s*<[^>\n]*>", re.M)


def count_file(root, rel):
    r = subprocess.run(["gcc", "-fpreprocessed", "-dD", "-E", "-P", "-x", "c", rel],
                       cwd=root, capture_output=True)
    text = r.stdout.decode("utf-8", "replace").replace("\\\n", "")
    text = DEFINE.sub("#define X", text)
    text = DIRECTIVE_USE.sub("", text)
    text = INCLUDE.sub("", text)
    text = STRINGS.sub('""', text)
    return len(TOKEN.findall(text))


def count_tree(root, paths=None):
    """{file: count} for files with at least one token."""
    r = subprocess.run(["grep", "-rlE", "--include=*.c", "--include=*.h", "GFP_NO(FS|IO)"] +
                       (paths or ["."]), cwd=root, capture_output=True, text=True)
    out = {}
    for f in r.stdout.split():
        rel = os.path.normpath(f)
        n = count_file(root, rel)
        if n:
            out[rel] = n
    return out


if __name__ == "__main__":
    counts = count_tree(sys.argv[1], sys.argv[2:] or None)
    print(sum(counts.values()))
    for f, n in sorted(counts.items()):
        print(f, n)
