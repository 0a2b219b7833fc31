"""Infinite loops written as gotos, so that spatch's control flow has no way out but break.

spatch gives every while and for loop an edge from its head to the code after
it, even `while (1)` and `for (;;)`, which never leave that way: a path that
falls out of such a loop is one the code cannot take. The scope proofs are
refutations (a path on which a site is not covered refutes it), so that false
edge only loses conversions: a site after `for (;;) { c = save(); if (x)
break; restore(c); }` is reached only through its break, inside the scope.

The copy spatch reads (never the user's tree) gets each such loop with a
braced body rewritten as the same control flow in gotos:

    while (1) {          {gfpscope_l3: {
        ...break;...         ...goto gfpscope_b3;...
        ...continue;...      ...goto gfpscope_l3;...
    }                    } goto gfpscope_l3; gfpscope_b3: ; }

No line is added or removed, so every position spatch reports keeps its line;
columns move only after a rewritten token on its own line (the loop head, a
break, a continue, the closing brace), where a site's position then matches
nothing and the site keeps no fact: the safe side.

A break belongs to the innermost loop or switch around it, a continue to the
innermost loop. Around a break, any braced block that follows `)` of for,
while, switch or a name (a list_for_each_entry() style macro loop), a `do`, or
a statement expression, counts as such a loop; if/else blocks and plain
blocks do not. A loop is left as written when this cannot be told for sure:
a preprocessor line in its body, an unbraced loop body or macro loop body
that holds a break or continue, a statement expression or a call of a name
that is not known to be a function (a macro may hide a break: the goto form
would then lose that way out), a name alone as a statement, or no break of its
own at all (the code after it is then unreachable, and a goto form would make
spatch drop the function).
"""
import re

_TOK = re.compile(rb'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|'
                  rb'(?m:^[ \t]*#)|[A-Za-z_]\w*|\S', re.S)
_LOOP_KW = {b"for", b"while", b"switch"}
_STMT_KW = {b"if", b"else", b"return", b"goto", b"case", b"default", b"sizeof", b"typeof"}


def _tokens(data):
    """[(start, end, text)] of the code tokens (comments dropped; '#' marks a directive)."""
    out = []
    for m in _TOK.finditer(data):
        t = m.group(0)
        if t.startswith(b"/*") or t.startswith(b"//"):
            continue
        out.append((m.start(), m.end(), t.strip()))
    return out


def _match(toks, i, open_, close):
    """Index of the token that closes toks[i] (an open_), or None."""
    depth = 0
    for j in range(i, len(toks)):
        if toks[j][2] == open_:
            depth += 1
        elif toks[j][2] == close:
            depth -= 1
            if depth == 0:
                return j
    return None


def _head_end(toks, i):
    """For an infinite loop head at toks[i], the index of its body's '{', or None."""
    t = [x[2] for x in toks[i:i + 7]]
    if t[:5] in ([b"while", b"(", b"1", b")", b"{"], [b"while", b"(", b"true", b")", b"{"]):
        return i + 4
    if t[:6] == [b"for", b"(", b";", b";", b")", b"{"]:
        return i + 5
    return None


def _block_kind(toks, k):
    """What the '{' at toks[k] opens: 'loop' (a loop or a macro loop, or a statement
    expression), 'switch', or 'plain' (if/else, a plain block, an initializer)."""
    prev = toks[k - 1][2] if k else b""
    if prev == b"do" or prev == b"(":
        return "loop"
    if prev == b")":
        depth, j = 0, k - 1
        while j >= 0:  # back to the matching '('
            if toks[j][2] == b")":
                depth += 1
            elif toks[j][2] == b"(":
                depth -= 1
                if depth == 0:
                    break
            j -= 1
        head = toks[j - 1][2] if j > 0 else b""
        if head == b"switch":
            return "switch"
        if head in (b"for", b"while") or (re.fullmatch(rb"[A-Za-z_]\w*", head) and head not in _STMT_KW):
            return "loop"
    return "plain"


def _unbraced_body_escapes(toks, j, end):
    """toks[j] starts the unbraced body of a loop or switch: does that statement hold a
    break or continue? It is taken to run to a ';' at the same depth that no 'else'
    follows (at least the statement: an if/else chain is read whole)."""
    depth = 0
    for k in range(j, end):
        t = toks[k][2]
        if t in (b"(", b"{", b"["):
            depth += 1
        elif t in (b")", b"}", b"]"):
            depth -= 1
        elif t in (b"break", b"continue"):
            return True
        elif t == b";" and depth <= 0 and not (k + 1 < end and toks[k + 1][2] == b"else"):
            return False
    return True


_KEYWORDS = {b"if", b"for", b"while", b"switch", b"return", b"sizeof", b"typeof", b"__typeof__",
             b"do", b"else", b"case", b"goto", b"_Generic", b"__builtin_expect", b"likely", b"unlikely",
             b"defined", b"asm", b"__asm__", b"volatile", b"__volatile__", b"break", b"continue",
             b"default"}


def _hides_a_jump(toks, body, close, is_function):
    """Could a break or continue of this loop hide where the tokens do not show it? In a
    statement expression, or in a macro: a name called that is not a known function
    (is_function(name): the tree defines a function of that name and no macro; None: no
    name is known), or a name that stands alone as a statement (an object-like macro)."""
    for k in range(body + 1, close):
        t = toks[k][2]
        if t == b"(" and toks[k - 1][2] == b"(" and k + 1 < close and toks[k + 1][2] == b"{":
            return True  # "({": a statement expression
        if t == b"{" and toks[k - 1][2] == b"(":
            return True
        if not re.fullmatch(rb"[A-Za-z_]\w*", t) or t in _KEYWORDS:
            continue
        prev, nxt = toks[k - 1][2], toks[k + 1][2] if k + 1 < close else b""
        if prev == b"." or (prev == b">" and toks[k - 2][2] == b"-"):
            continue  # a member: s.fn(...), p->fn(...) ("->" is lexed as '-', '>')
        if nxt == b"(" and (is_function is None or not is_function(t.decode("latin-1"))):
            end = _match(toks, k + 1, b"(", b")")
            if end is not None and end + 1 < close and toks[end + 1][2] == b"{":
                # a loop macro (list_for_each_entry(...) {) whose block holds no break or
                # continue: whether it is a loop (its breaks its own) or an if, it hides none
                blk = _match(toks, end + 1, b"{", b"}")
                if blk is not None and not any(x[2] in (b"break", b"continue") for x in toks[end + 1:blk]):
                    continue
            return True
        if nxt == b";" and prev in (b";", b"{", b"}", b")", b":"):
            return True
    return False


def _rewrite_one(data, toks, i, body, n, is_function):
    """The replacements for the loop whose head is toks[i] and body '{' toks[body], or None."""
    close = _match(toks, body, b"{", b"}")
    if close is None or _hides_a_jump(toks, body, close, is_function):
        return None
    top, out = b"gfpscope_l%d" % n, b"gfpscope_b%d" % n
    # one compound statement, so that the form also fits as the body of an if or else; a
    # head written over several lines keeps its line breaks
    breaks_in_head = data[toks[i][0]:toks[body - 1][1]].count(b"\n")
    reps = [(toks[i][0], toks[body - 1][1], b"{" + top + b":" + b"\n" * breaks_in_head),
            (toks[close][0], toks[close][1], b"} goto " + top + b"; " + out + b": ; }")]
    stack = []   # contexts of the blocks between the body and the token: loop, switch, plain
    breaks, jumps = 0, []
    k = body + 1
    while k < close:
        t = toks[k][2]
        if t == b"#":
            return None
        if t == b"{":
            stack.append(_block_kind(toks, k))
        elif t == b"}":
            stack.pop()
        elif t == b")" and k + 1 < close and toks[k + 1][2] not in (b"{", b";", b")", b",") \
                and _block_kind(toks, k + 1) in ("loop", "switch") \
                and _unbraced_body_escapes(toks, k + 1, close):
            return None  # an unbraced loop, switch or macro loop body with a break or continue
        elif t == b"do" and toks[k + 1][2] != b"{" and _unbraced_body_escapes(toks, k + 1, close):
            return None
        elif t == b"break" and "loop" not in stack and "switch" not in stack:
            reps.append((toks[k][0], toks[k][1], b"goto " + out))
            breaks += 1
            jumps.append(k)
        elif t == b"continue" and "loop" not in stack:
            reps.append((toks[k][0], toks[k][1], b"goto " + top))
            jumps.append(k)
        k += 1
    if not breaks:
        return None
    # columns move after a rewritten token: nothing else may follow it on its line (the
    # head's '{', a break's or continue's ';' and the closing brace end their lines), so
    # that no position spatch reports can land on another token's
    for k in [body, close] + [x + 1 for x in jumps]:
        if k < len(toks) and toks[k][2] not in (b"{", b"}", b";"):
            return None
        if k + 1 < len(toks) and b"\n" not in data[toks[k][1]:toks[k + 1][0]]:
            return None
    return reps


# A superset of the heads _head_end takes (comments may sit between their tokens), so that
# a file without one is not tokenised at all (that was 6 s of a warm whole-tree scan)
_GAP = rb'(?:\s|/\*.*?\*/|//[^\n]*)*'
_MAYBE_INFINITE = re.compile(rb'while' + _GAP + rb'\(' + _GAP + rb'(?:1|true)' + _GAP + rb'\)|'
                             rb'for' + _GAP + rb'\(' + _GAP + rb';' + _GAP + rb';' + _GAP + rb'\)', re.S)


def rewrite(data, is_function=None):
    """data with its infinite loops in goto form (the same bytes when there is none).
    is_function(name): the name is a function, not a macro (a loop whose body calls any
    other name is left as written: a macro may hide a break)."""
    if not _MAYBE_INFINITE.search(data):
        return data
    toks = _tokens(data)
    reps, n = [], 0
    for i, tok in enumerate(toks):
        if tok[2] in (b"while", b"for"):
            body = _head_end(toks, i)
            if body is not None:
                n += 1
                got = _rewrite_one(data, toks, i, body, n, is_function)
                if got:
                    reps += got
    if not reps:
        return data
    out, last = [], 0
    for a, b, new in sorted(reps):
        out += [data[last:a], new]
        last = b
    out.append(data[last:])
    return b"".join(out)
