"""Step 3d, made-up handles: a token type whose fake objects a validity test tells apart.

ext4 without a journal hands out a handle_t that is a number (ext4_get_nojournal():
handle = (handle_t *)ref_cnt), and ext4_handle_valid() tells a real handle from it:
(unsigned long)handle < EXT4_NOJOURNAL_MAX_REF_COUNT. Such a type may still be a token,
guarded: a made-up handle is a number in the first page, which no dereference survives,
so a handle dereferenced on the path is a real one. Liveness (tokens.py) rests on
dereferences only, never on a validity test alone: the path on which the test fails may
reach the call too.

The casts (made_up()): every cast to a pointer of the type takes a number or a name
declared an integer before it (ext4's unsigned long ref_cnt). A
cast of an allocation (jbd2_alloc_handle(): (handle_t *)kmem_cache_zalloc(...)) creates
an object where no creation rule looks; a cast of an address, a call or a field may point
at a real object; either refuses the type. The test (find()): a function of one parameter
of the type returns whether it is at or above a bound B (if ((unsigned long)h < B) return
0; return 1;, or return (unsigned long)h >= B;), and B is a number, or a macro every
#define of which is one, of at most 4096. Assumed: a number cast to the type stays below
B (ext4_get_nojournal() BUG()s at it), and the first page is never mapped.
"""
import re

from ..collect.words import files_with

PAGE = 4096
_NUMBER = re.compile(r"\(*\s*(?:\(\s*(?:unsigned\s+)?(?:long|int)\s*\)\s*)?(0[xX][0-9a-fA-F]+|\d+)[uUlL]*\s*\)*")


def _value(text):
    """The number a literal or a parenthesized, cast one spells, or None."""
    m = _NUMBER.fullmatch(text.strip())
    return int(m.group(1), 0) if m else None


def made_up(text, any_name, allocators):
    """(casts, why): the casts to a pointer of the type in text (comments blanked), each
    (offset, operand, number or None), or why one makes an object no check sees."""
    out = []
    for m in re.finditer(r"\(\s*%s\s*\*\s*\)\s*(?=[\w(&*~!-])" % any_name, text):
        rest = text[m.end():m.end() + 200]
        call = re.match(r"([A-Za-z_]\w*)\s*\(", rest)
        if call and allocators.match(call.group(1)):
            return None, (m.start(), "a cast of an allocation to a pointer of the type (an object made where "
                                     "no creation check looks)")
        name = re.match(r"([A-Za-z_]\w*)\b(?!\s*(?:\(|->|\.|\[))", rest)
        num = re.match(r"(?:0[xX][0-9a-fA-F]+|\d+)[uUlL]*\b", rest)
        if name and _integer(text[max(0, m.start() - 4000):m.start()], name.group(1)):
            out.append((m.start(), name.group(1), None))
        elif num:
            out.append((m.start(), num.group(0), _value(num.group(0))))
        else:
            return None, (m.start(), "a cast to a pointer of the type of something that may be a real object")
    return out, None


def _integer(before, name):
    """The last declaration of name before its cast (the function's own local or parameter)
    declares an integer: a cast of anything else (an array, a pointer) may be a real object."""
    # each word ends at a space or a star, so the words of a declaration split one way only
    # (the earlier (?:\w+\s*)+ split a run of words every way it could: 155 s on linux-6.12)
    decl = re.compile(r"(?:^|[;{(,])\s*((?:[A-Za-z_]\w*(?:\s+|\s*\*+\s*))+)%s\s*[;=,)\[]" % re.escape(name))
    found = list(decl.finditer(before))
    if not found:
        return False
    words = found[-1].group(1).split()
    return "*" not in found[-1].group(1) and bool(words) and \
        all(w in INTEGER_WORDS for w in words) and not before[found[-1].end() - 1] == "["


INTEGER_WORDS = {"unsigned", "signed", "long", "int", "short", "const", "register", "uintptr_t", "size_t",
                 "u64", "u32", "u16", "unsigned long"}


def _bound(tree, name):
    """The value of B: a number, or a macro whose every #define is the same number."""
    v = _value(name)
    if v is not None or not re.fullmatch(r"[A-Za-z_]\w*", name):
        return v
    hits = files_with(tree, [r"#[[:space:]]*define[[:space:]]+%s\b" % name])
    values = set()
    for rel in sorted(set().union(*hits.values())) if hits else ():
        with open(tree.abspath(rel), encoding="latin-1") as f:
            for d in re.finditer(r"^[ \t]*#[ \t]*define[ \t]+%s[ \t]+([^\n]*)" % re.escape(name), f.read(), re.M):
                values.add(_value(re.sub(r"/\*.*?\*/|//.*", "", d.group(1))))
    return values.pop() if len(values) == 1 else None


def find(tree, any_name, texts):
    """The validity test among these function texts: {"fn", "bound", "value"}, or None."""
    for text in texts:
        head = re.match(r"[^{(]*?\b([A-Za-z_]\w*)\s*\(\s*(?:const\s+)?%s\s*\*\s*([A-Za-z_]\w*)\s*\)\s*\{" % any_name,
                        text, re.S)
        if not head:
            continue
        fn, h = head.groups()
        body = " ".join(text[head.end():].split())
        lt = re.fullmatch(r"if\s*\(\s*\(\s*unsigned\s+long\s*\)\s*%s\s*<\s*(.+?)\s*\)\s*return\s+(?:0|false)\s*;"
                          r"\s*return\s+(?:1|true)\s*;\s*\}\s*" % re.escape(h), body)
        ge = re.fullmatch(r"return\s*\(?\s*\(\s*unsigned\s+long\s*\)\s*%s\s*>=\s*(.+?)\s*\)?\s*;\s*\}\s*"
                          % re.escape(h), body)
        m = lt or ge
        if not m:
            continue
        value = _bound(tree, m.group(1).strip())
        if value is not None and 0 < value <= PAGE:
            return {"fn": fn, "bound": m.group(1).strip(), "value": value}
    return None
