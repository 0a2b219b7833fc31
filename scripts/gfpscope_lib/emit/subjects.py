"""Subject lines: the subsystem's prefix (from the files' history or their directory),
each patch's subject and the cover letter's, all within SUBJECT_MAX."""
import collections
import os
import re

from .msgwords import (SUBJECT_MAX, TOKEN, filled, site_functions, kind_words, site_openers,
                       provider_kinds, reason_words)


# ---------------------------------------------------------------- prefixes

_PREFIX = re.compile(r"^([A-Za-z0-9][\w./+-]*): \S")
_NOT_PREFIX = {"revert", "merge", "treewide", "tree-wide", "linux"}


def learn_prefix(subjects):
    """The subject prefix the files' own history uses most ("btrfs: "), or None.

    Only a prefix seen twice or more counts (one odd commit is no convention),
    and ties go to the most recent.
    """
    counts = collections.Counter()
    first_seen = {}
    for i, s in enumerate(subjects):
        m = _PREFIX.match(s)
        if m and m.group(1).lower() not in _NOT_PREFIX:
            counts[m.group(1)] += 1
            first_seen.setdefault(m.group(1), i)
    if not counts:
        return None
    best = max(counts, key=lambda p: (counts[p], -first_seen[p]))
    return best + ": " if counts[best] >= 2 else None


# top-level directories whose second level is the subsystem (fs/xfs -> "xfs: ")
_SECOND_LEVEL = {"fs", "net", "security", "sound", "crypto", "virt"}


def dir_prefix(files):
    """The prefix from the files' directory, where history does not tell it.

    fs/xfs -> "xfs: ", fs/bcachefs -> "bcachefs: ", a lone driver file such as
    drivers/block/xen-blkfront.c -> "xen-blkfront: ", drivers/md/bcache -> "bcache: ",
    mm/... -> "mm: ".
    """
    dirs = [os.path.dirname(f) for f in files]
    common = os.path.commonpath(dirs) if all(dirs) else ""
    parts = common.split("/") if common else []
    if not parts:
        return os.path.splitext(os.path.basename(files[0]))[0] + ": " if len(set(files)) == 1 else "treewide: "
    if parts[0] in _SECOND_LEVEL and len(parts) >= 2:
        return parts[1] + ": "
    if len(parts) >= 3:
        return parts[-1] + ": "
    if len(parts) == 2 and len(set(files)) == 1:
        return os.path.splitext(os.path.basename(files[0]))[0] + ": "
    return parts[-1] + ": "


# ---------------------------------------------------------------- subjects


def _whys(reason, sites, kw):
    """The subject's "why" choices for one reason, longest first."""
    if reason == "transaction":
        kinds, opens = provider_kinds(sites), site_openers(sites)
        if kinds == {"lock"} and len(opens) == 1:
            return [f"with {opens[0]}() held", "under a lock", ""]
        if kinds and kinds != {"transaction"}:
            return ["inside scope providers' scopes", ""]
    return [filled(w, reason=reason, **kw) for w in reason_words(reason)["subject"]]


def subject(prefix, patch):
    """An imperative subject within SUBJECT_MAX: what, where, and why if it fits.

    A patch of one function names it (the "why" is the body's); a patch of several says
    the justification they share; a split patch says where it is ("in inode.c").
    """
    sites = patch["sites"]
    kw = kind_words({s["kind"] for s in sites})
    reasons = {s["reason"] for s in sites}
    funcs = site_functions(sites)
    whats = ["use GFP_KERNEL"] if kw["kind"] == "nofs" else ["use GFP_KERNEL instead of GFP_NOIO",
                                                            "use GFP_KERNEL"]
    part = f" ({patch['part']})" if patch.get("part") else ""
    whys = [""]
    if len(reasons) == 1:
        whys = _whys(next(iter(reasons)), sites, kw)
        if len(sites) == 1:
            # one allocation is one scope, not "scopes"
            whys = [re.sub(r"scopes\b", "scope", w) for w in whys]
    wheres = [""]
    if patch.get("where"):
        wheres = [" in " + w for w in patch["where"]]
    elif len(funcs) == 1 and sites[0]["function"]:
        wheres = [f" in {funcs[0]}()"]
        whys = [""]
    for what in whats:
        for where in wheres:
            for why in whys:
                s = prefix + what + where + (" " + why if why else "") + part
                if len(s) <= SUBJECT_MAX:
                    return s
    return (prefix + "use GFP_KERNEL" + part)[:SUBJECT_MAX]


def cover_subject(prefix, sites):
    toks = "/".join(sorted({TOKEN[s["kind"]] for s in sites}))
    for s in (f"{prefix}use GFP_KERNEL where a memalloc scope already covers {toks}",
              f"{prefix}drop {toks} where a memalloc scope covers it",
              f"{prefix}drop {toks} inside memalloc scopes"):
        if len(s) <= SUBJECT_MAX:
            return s
    return (prefix + "use GFP_KERNEL inside memalloc scopes")[:SUBJECT_MAX]
