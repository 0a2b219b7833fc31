"""Function bodies a rule cannot match in, blanked out before spatch reads the file.

The scope proofs are intraprocedural: the scoped-calls rule can only match in
a function that calls a start, and a provider round asks only about the
functions it is trying. Every other body in the file costs spatch its
control-flow matching (ext4's inode.c took minutes, and some files overflowed
spatch's stack) and gives nothing. So those bodies are replaced by spaces,
newlines kept: every line and column stays where it was, and the records
spatch prints point into the real file.

What is blanked is deliberately narrow, so that the text spatch matches in
is the file's own:
  - only a top-level { ... } block that follows a ')' (a function body, not an
    initializer or a struct), found with comments, strings and character
    constants skipped;
  - only when the file's braces balance at top level (#if branches that open
    a brace twice make them not balance: then the file is given whole);
  - never a block that holds a #define (spatch reads in-file macros), and
    never one that the caller wants kept.
A body that should have been kept but was blanked would only lose facts
(its function stays unproven); nothing here can add a fact.
"""
import re

_TOKENS = re.compile(rb'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|[{}]', re.S)
_SPACE_AND_COMMENTS = re.compile(rb'(?:\s+|/\*.*?\*/|//[^\n]*)*\Z', re.S)


def top_level_bodies(data):
    """[(open, close)] byte offsets of top-level {...} blocks preceded by ')', or None
    when the braces do not balance (the file is then not masked)."""
    depth, start, blocks = 0, 0, []
    for m in _TOKENS.finditer(data):
        t = m.group(0)
        if t == b"{":
            if depth == 0:
                start = m.start()
            depth += 1
        elif t == b"}":
            depth -= 1
            if depth < 0:
                return None
            if depth == 0:
                blocks.append((start, m.start()))
    if depth != 0:
        return None
    return [(o, c) for o, c in blocks if _follows_paren(data, o)]


def _follows_paren(data, pos):
    """Is the last thing before pos, spaces and comments aside, a ')'? (A ')' inside a
    comment just before the brace makes this false: the body is then kept.)"""
    j = data.rfind(b")", 0, pos)
    return j >= 0 and bool(_SPACE_AND_COMMENTS.match(data, j + 1, pos))


def mask(data, keep):
    """data with every function body blanked for which keep(header, body) is false.

    header is the text from the end of the previous top-level block (or the
    file's start) to the opening brace; body the text inside the braces.
    Returns data unchanged when nothing can be blanked.
    """
    bodies = top_level_bodies(data)
    if not bodies:
        return data
    out, last, prev_end = [], 0, 0
    for o, c in bodies:
        header, body = data[prev_end:o], data[o + 1:c]
        prev_end = c + 1
        if b"#define" in body or keep(header, body):
            continue
        out.append(data[last:o + 1])
        out.append(re.sub(rb"[^\n]", b" ", body))
        last = c
    if not out:
        return data
    out.append(data[last:])
    return b"".join(out)


def words_keeper(header_words=(), body_words=()):
    """keep(header, body): a body is kept when its header names one of header_words (the
    functions a provider round tries) or its body mentions one of body_words (the starts)."""
    hw = word_regex(header_words)
    bw = word_regex(body_words)

    def keep(header, body):
        return bool((hw and hw.search(header)) or (bw and bw.search(body)))
    return keep


def word_regex(words):
    """A regex matching any of words as a whole word in bytes, or None for no words."""
    words = sorted(set(words))
    if not words:
        return None
    return re.compile(rb"\b(?:" + b"|".join(re.escape(w.encode()) for w in words) + rb")\b")
