"""The cover letter of a series: before/after counts, how each patch was proven, what
was left as it is and why, and how to test."""
import collections
import textwrap

from ..core import reasons
from ..core.sites import key
from .msgwords import (TOKEN, WIDTH, site_functions, bullet, name_list, site_openers, in_reason_order,
                       provider_kinds, wrap)


# what the cover letter says of a site left as it is: the reason's meaning, or for a
# proven site below the confidence asked for, that
KEEP_WORDS = {r.name: r.meaning for r in reasons.TABLE if r.verdict == "keep"}
for _r in reasons.CONVERT:
    KEEP_WORDS[f"{_r}, moderate confidence"] = "proven, below the confidence asked for"

HOW = {r: reasons.how(r) for r in reasons.CONVERT}


def _where(s):
    return f"{s['function']}() in {s['file']}" if s["function"] else s["file"]


def _table(rows, head):
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
    fmt = lambda r: "  " + "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                                     for i, (c, w) in enumerate(zip(r, widths)))
    return "\n".join([fmt(head)] + [fmt(r) for r in rows])


def _how(reason, sites):
    """How a reason is proven, for the cover letter; a provider in its own terms."""
    if reason == "transaction":
        kinds, opens = provider_kinds(sites), site_openers(sites)
        if opens and kinds != {"transaction"}:
            return (f"the allocation runs after {name_list(opens)} opened a memalloc scope and "
                    "before the call that closes it, on every path.")
    return HOW.get(reason) or f"gfpscope's {reason} analysis; each commit message gives its evidence."


def cover_letter(entry, prefix, patches, all_sites, converted, left_out, confidence, version,
                 words=None):
    """The cover letter body: before/after counts, how proven, what was left and why, how to test."""
    mine = [s for s in all_sites if s.get("maintainers") == entry]
    ids = {key(s) for s in converted}
    paras = []
    files = sorted({s["file"] for s in converted})
    paras.append(wrap(
        f"This series replaces {' and '.join(sorted({TOKEN[s['kind']] for s in converted}))} "
        f"with GFP_KERNEL at {len(converted)} "
        f"allocation{'s' if len(converted) != 1 else ''} of {entry} where a "
        "memalloc_nofs_save()/memalloc_noio_save() scope is already open, so the explicit "
        "flag does nothing: the scope API has marked whole critical sections since 4.12, "
        "and a flag that only repeats the scope hides where the scope really is."))
    rows = []
    for kind in ("nofs", "noio"):
        before = sum(1 for s in mine if s["kind"] == kind)
        after = before - sum(1 for s in converted if s["kind"] == kind)
        if before:
            rows.append([TOKEN[kind], before, after])
    paras.append(wrap(f"{TOKEN['nofs']}/{TOKEN['noio']} in {entry}, before and after the series:")
                 + "\n\n" + _table(rows, ["flag", "before", "after"]))
    how = ["How each patch was proven:", ""]
    for i, p in enumerate(patches, 1):
        rs = in_reason_order({s["reason"] for s in p["sites"]})
        how.append(textwrap.fill(
            f"{i}. {', '.join(rs)}, {len(p['sites'])} site{'s' if len(p['sites']) != 1 else ''} "
            f"in {name_list(site_functions(p['sites']))}", width=WIDTH, initial_indent="  ",
            subsequent_indent="     ", break_long_words=False, break_on_hyphens=False))
    for r in in_reason_order({s["reason"] for s in converted}):
        how += ["", wrap(f"{r}: " + _how(r, [s for s in converted if s["reason"] == r]))]
    how += ["", wrap("Each commit message names the scopes, the functions that open them, and "
                     "every caller the proof rests on; what to review is below its \"---\". "
                     "Only " + ("high-confidence proofs are" if confidence == "high" else
                                "proofs of high or moderate confidence are") + " included.")]
    paras.append("\n".join(how))
    left = collections.Counter()
    for s in mine:
        if key(s) in ids:
            continue
        if s.get("verdict") == "convert":
            if key(s) not in {key(o) for o, _w in left_out}:
                # proven, but below --confidence
                left[f"{s['reason']}, {s['confidence']} confidence"] += 1
            continue  # the left-out ones are counted below, with why
        left[s.get("reason") or "not analysed"] += 1
    for s, why in left_out:
        left["left out, see below"] += 1
    if left:
        text = ["Left as they are, by reason:", ""]
        for r, n in left.most_common():
            meaning = KEEP_WORDS.get(r, "")
            text.append(bullet(f"{r} ({n})" + (f": {meaning}" if meaning else "")))
        paras.append("\n".join(text))
    if left_out:
        lines = ["Proven, but left out of this series:", ""]
        for s, why in left_out:
            lines.append(bullet(f"{_where(s)}: {why}"))
        paras.append("\n".join(lines))
    checks = (words or {}).get("checks") or {}
    kept = [(s, m) for s in converted for m in checks.get(key(s), [])]
    if kept:
        lines = [wrap("Converted, with a checkpatch --strict CHECK on the line about code the "
                      "series leaves as it was (it reports the same on the line before the "
                      "series):"), ""]
        for s, m in kept:
            lines.append(bullet(f"{_where(s)}: {m}"))
        paras.append("\n".join(lines))
    fs = all(f.startswith("fs/") for f in files)
    if fs:
        test = ("To test: build with CONFIG_PROVE_LOCKING=y (lockdep) and run fstests "
                "(./check -g auto, or at least -g quick) on this filesystem. A wrong conversion "
                "shows first as a lockdep report involving fs_reclaim, long before it deadlocks, "
                "so a lockdep-clean run is the evidence that matters.")
    else:
        test = ("To test: build with CONFIG_PROVE_LOCKING=y (lockdep) and drive the I/O paths "
                "of these functions under memory pressure. A wrong conversion shows first as a "
                "lockdep report involving fs_reclaim, long before it deadlocks.")
    paras.append(wrap(test))
    paras.append(f"Generated by: gfpscope {version} series")
    return "\n\n".join(paras) + "\n"
