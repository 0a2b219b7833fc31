"""Where a site is in a file: one line-numbering rule for every stage.

gfplex and spatch end a line at "\\n" only, and count columns in bytes. Python's
str.splitlines() also breaks at form feed, vertical tab, \\x1c-\\x1e, \\x85 and
U+2028/2029 (and bytes.splitlines() at a lone \\r), so a file with a form feed in a
comment numbered its lines differently and the wrong token was rewritten. Every
reader of positions goes through here, on bytes, and never decodes the file.
"""


def split_lines(data):
    """The lines of data (bytes), each with its b"\\n", as gfplex numbers them."""
    out, i = [], 0
    while i < len(data):
        j = data.find(b"\n", i)
        j = len(data) if j < 0 else j + 1
        out.append(data[i:j])
        i = j
    return out


def offset(data, line, col):
    """The byte offset of (1-based line, 0-based byte column) in data, or None past its end."""
    pos = 0
    for _ in range(line - 1):
        pos = data.find(b"\n", pos)
        if pos < 0:
            return None
        pos += 1
    end = data.find(b"\n", pos)
    end = len(data) if end < 0 else end
    return pos + col if pos + col <= end else None


def line_at(data, line):
    """Line number line (1-based) of data, without its newline, or None."""
    start = offset(data, line, 0)
    if start is None:
        return None
    end = data.find(b"\n", start)
    return data[start:len(data) if end < 0 else end]


_PAIRS = {"(": ")", "{": "}", "[": "]"}


def closing(text, i):
    """The index of the bracket that closes the one at text[i] ("(", "{" or "["), nested
    ones counted, or None when the text ends first. Plain text: no comment or string is
    skipped (the callers read code whose comments are blanked, or accept the risk)."""
    opening, close = text[i], _PAIRS[text[i]]
    depth = 0
    for j in range(i, len(text)):
        c = text[j]
        depth += 1 if c == opening else -1 if c == close else 0
        if depth == 0:
            return j
    return None

