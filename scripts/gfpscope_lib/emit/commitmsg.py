"""Words for maintainers: the body of each commit message.

The models are the upstream GFP_NOFS removals: XFS's 2024 series (one patch
per kind of justification, each naming the scope that makes it safe) and
btrfs's "the only caller runs in the memalloc_nofs_save/restore protection,
so it is effectively already GFP_NOFS". Every message names functions, never
line numbers (they go stale as soon as anything else is merged).
"""
import re
import textwrap

from ..core import textpos
from ..core.sites import key
from .msgwords import (TOKEN, WIDTH, filled, site_functions, bullet, kind_words, name_list,
                       number_words, site_openers, in_reason_order, reason_words, provider_kind, wrap)
from .subjects import subject


def _provider_why(sites, starts, kw, nw):
    """The transaction paragraph in the provider's own terms: a lock is held, a transaction
    is running, or a named function opened the scope."""
    opens = site_openers(sites)
    if not opens:
        return None
    kinds = {provider_kind(o) for o in opens}
    names = name_list(opens)
    parts = []
    for o in opens:
        st = starts.get(o) or {}
        how = st.get("how") or ""
        via = [v for v in st.get("via") or [] if v != o]
        bits = f"{o}() opens a memalloc_{kw['kind']}_save() scope"
        if via:
            bits += " through " + name_list(via)
        if how == "returns the cookie":
            bits += " and returns its cookie to its caller"
        elif how:
            bits += f" and keeps its cookie in {how}"
        parts.append(bits)
    detail = "; ".join(parts)
    if kinds == {"lock"}:
        head = f"{nw['These_run']} with {names} held. {detail}, and the unlock restores it"
    elif kinds == {"transaction"}:
        head = (f"{nw['These_run']} inside a transaction that {names} started. {detail}, and "
                "the scope lasts until the transaction ends")
    else:
        head = (f"{nw['These_run']} after {names} opened a scope and before it is closed. "
                f"{detail}")
    return head + f", so {nw['these']} effectively already {kw['TOK']}. Where the scope is opened:"


# ---------------------------------------------------------------- evidence

_AT_LINE = re.compile(r"\s*(?:at|on) line \d+|:\d+\b")


def condense(evidence):
    """One evidence string as reviewers read it: top-down, no line numbers.

    "a <- b <- c (memalloc_nofs_save() at line 30)" becomes
    "c() [memalloc_nofs_save()] -> b() -> a()". Anything else is kept, minus line numbers.
    """
    text = evidence.strip()
    m = re.match(r"^(?P<chain>[\w$]+(?: <- [\w$]+)*) \(", text)
    close = textpos.closing(text, m.end() - 1) if m else None
    if close is None:
        return _AT_LINE.sub("", text).strip()
    names = m["chain"].split(" <- ")
    scope = _AT_LINE.sub("", text[m.end():close]).strip()
    rest = _AT_LINE.sub("", text[close + 1:]).rstrip()
    top = f"{names[-1]}() [{scope}]"
    return " -> ".join([top] + [n + "()" for n in reversed(names[:-1])]) + rest


def _chain_lines(text):
    """A condensed chain as an indented list item, broken at the arrows, and any piece
    still too long wrapped at spaces (a nested provider chain, a handle's evidence)."""
    out, cur = [], "  - "
    for i, piece in enumerate(text.split(" -> ")):
        piece = piece if i == 0 else "-> " + piece
        if i and len(cur) + 1 + len(piece) > WIDTH:
            out.append(cur)
            cur = "      " + piece
        else:
            cur = cur + (" " if i else "") + piece
    out.append(cur)
    lines = []
    for line in out:
        if len(line) <= WIDTH:
            lines.append(line)
        else:
            lead = line[:len(line) - len(line.lstrip(" -"))]
            lines.append(textwrap.fill(line[len(lead):], width=WIDTH, initial_indent=lead,
                                       subsequent_indent="      ", break_long_words=False,
                                       break_on_hyphens=False))
    return "\n".join(lines)


# ---------------------------------------------------------------- messages


def _other_callers(rs, callers):
    """{callee: callers not shown on any chain of these sites}, for each function on a chain."""
    shown, out = {}, {}  # in chain order, from the allocation up
    for s in rs:
        for e in (s.get("proof") or {}).get("chain") or []:
            shown.setdefault(e["callee"], set()).add(e["caller"])
    for callee in shown:
        rest = [c for c in callers.get(callee, []) if c not in shown[callee]]
        if rest:
            out[callee] = rest
    return out, shown


def _callers_text(rs, callers, reason, kw):
    """Every caller the proof used: those the chains show, then the others by name, with the
    rule that covers them, so that no reviewer is told of one caller where there are two."""
    if not callers:
        return None
    others, shown = _other_callers(rs, callers)
    if not shown:
        return None
    if not others:
        fs = list(shown)
        if len(fs) == 1:
            return wrap(f"{fs[0]}() has no caller other than the one shown.")
        return wrap(f"{name_list(fs)} have no callers other than those shown.")
    said = []
    for callee, rest in others.items():
        n = len(rest) + len(shown[callee])
        said.append(f"{callee}() has {n} callers: it is also called from {name_list(rest)}")
    rule = filled(reason_words(reason).get("others", "every one of these calls is proven the same way"),
                 **kw)
    return wrap("; ".join(said) + f". The proof covers them: {rule}.")


def _reason_words(kw, rs, reason):
    """kw with the words for the functions of the sites rs, which reason proves."""
    rf = site_functions(rs)
    return dict(kw, funcs=name_list(rf), is_are="is" if len(rf) == 1 else "are",
                has_have="has" if len(rf) == 1 else "have", reason=reason)


def commit_message(prefix, patch, ident, words=None):
    """The whole commit message of one patch: subject, body, Signed-off-by, then below a
    "---" line the notes for the reviewer (what to check, how it was found), which git am
    leaves out of the log."""
    words = words or {}
    callers, starts, checks = words.get("callers") or {}, words.get("starts") or {}, words.get("checks") or {}
    sites = patch["sites"]
    funcs = site_functions(sites)
    kw = kind_words({s["kind"] for s in sites})
    toks = sorted({TOKEN[s["kind"]] for s in sites})
    n = len(sites)
    names = name_list(funcs)
    files = sorted({s["file"] for s in sites})
    body = []
    alloc = "the allocation" if n == 1 else f"the {n} allocations"
    what = f"Use GFP_KERNEL instead of {' and '.join(toks)} for {alloc} in {names}"
    if len(files) == 1:
        what += f" ({files[0]})"
    what += "."
    if any("|" in s["flags"] for s in sites):
        what += " The other flags stay as they are."
    body.append(wrap(what))
    for reason in in_reason_order({s["reason"] for s in sites}):
        rs = [s for s in sites if s["reason"] == reason]
        rkw = _reason_words(kw, rs, reason)
        chains = []
        for s in rs:
            for e in s.get("evidence") or []:
                c = condense(e)
                if c not in chains:
                    chains.append(c)
        nw = number_words(len(rs))
        nw["The_chains"] = "The call chain" if len(chains) == 1 else "The call chains"
        rkw.update(nw)
        why = _provider_why(rs, starts, kw, nw) if reason == "transaction" else None
        if why:
            # the paragraph says how the provider keeps its scope: the chains name it only
            chains = [re.sub(r"\[(\w+)\(\): [^\]]*\]", r"[\1()]", c) for c in chains]
        body.append(wrap(why or filled(reason_words(reason)["why"], **rkw)))
        body.append("\n".join(_chain_lines(c) for c in chains))
        more = _callers_text(rs, callers, reason, kw)
        if more:
            body.append(more)
    notes = []
    if any(s["confidence"] != "high" for s in sites):
        notes.append(wrap("Not every function on these chains is static: their callers were "
                          "looked up by name in the whole tree's call graph, which found no "
                          "other. A caller the lexical graph cannot see (a token-pasted name, "
                          "assembly) would break the argument, so please check for one."))
    checks_ = []
    for r in in_reason_order({s["reason"] for s in sites}):
        checks_.append(filled(reason_words(r)["review"],
                             **_reason_words(kw, [s for s in sites if s["reason"] == r], r)))
    notes.append(wrap("To review, check " + " Also check ".join(checks_)))
    seen = []
    for s in sites:
        for m in checks.get(key(s), []):
            if m not in seen:
                seen.append(m)
    if seen:
        notes.append("\n".join([wrap(f"checkpatch --strict reports {'this' if len(seen) == 1 else 'these'} "
                                      "on a line the patch changes, about code it leaves as it was:")]
                               + [bullet(m) for m in seen]))
    # one line per analysis, each within the 75 columns checkpatch allows
    notes.append("\n".join("Generated by: gfpscope " + reason_words(r)["generated"]
                           for r in in_reason_order({s["reason"] for s in sites})))
    return (subject(prefix, patch) + "\n\n" + "\n\n".join(body) + "\n\n"
            + f"Signed-off-by: {ident[0]} <{ident[1]}>\n---\n" + "\n\n".join(notes) + "\n")
