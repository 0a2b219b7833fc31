"""The reasons a site gets, in one table that every output reads.

name     what analyse/verdicts.py writes in the site record
verdict  convert or keep: derived from the reason everywhere, never spelled out again
meaning  one line for the reports and the cover letter's "left as it is" list
how      for a convert reason, how it is proven (the commit message's "Proof" paragraph)

The order of the table is the order the reports show reasons in: the proofs first, then
the keep reasons roughly by how often they are the blocker. report.csv has a column for
every reason of the table, so that the files of different releases line up.
"""
from collections import namedtuple

Reason = namedtuple("Reason", "name verdict meaning how")

TABLE = [
    Reason("local-scope", "convert",
           "a memalloc_nofs/noio_save() scope in the same function covers the site on every path",
           "a forall proof by refutation (Coccinelle) that memalloc_*_save() is open "
           "on every path to the allocation, in the same function."),
    Reason("transaction", "convert",
           "a transaction or lock helper that opens a memalloc scope (a scope provider) covers "
           "the site, in its function or through its callers",
           "the allocation runs inside a transaction whose start opens a memalloc "
           "scope and whose end closes it, on every path."),
    Reason("transaction-handle", "convert",
           "a live transaction handle (a struct whose every object is created inside its "
           "transaction's memalloc scope) is known valid at the site, or at every call into "
           "the site's function",
           "the function holds a transaction handle that it dereferences on every path before "
           "the allocation; every such handle is created by a start that saves the memalloc "
           "cookie in it and lives until the stop that restores it, so the task is inside the "
           "transaction's scope."),
    Reason("caller-scope", "convert",
           "every call into the site's function comes from inside a scope",
           "every call into the function comes from inside a scope, directly or "
           "through callers that do, on the whole tree's call graph; a function whose "
           "address is taken, or that is exported, never counts as running in scope."),
    Reason("no-scope", "keep", "no scope in the function, and a caller holds none", None),
    Reason("address-taken", "keep",
           "the function's address is taken (ops table, callback, work item): its callers "
           "cannot all be seen", None),
    Reason("exported", "keep", "EXPORT_SYMBOL*: modules may call it from anywhere", None),
    Reason("dual-context", "keep", "some callers hold a scope, at least one does not", None),
    Reason("asm-caller", "keep", "named in assembly or a linker script", None),
    Reason("scope-ended", "keep",
           "a scope opened in the function reaches the site, but a call before it may end a scope",
           None),
    Reason("not-an-allocation", "keep", "runs in scope, but the flags are stored, returned or handed on",
           None),
    Reason("vmalloc-ignores-nofs", "keep",
           "a vmalloc-family call before v5.17, which ignored NOFS/NOIO: a real bug", None),
    Reason("unparsed", "keep", "spatch could not analyse the site", None),
    Reason("undecided", "keep",
           "the pass that finds scopes could not analyse the site's file, or the file of every "
           "caller outside a known scope (a time-out): scan again with a longer --timeout", None),
    Reason("file-changed", "keep",
           "the site's file, or one its proof reads, changed while the scan ran (its facts may mix "
           "two versions): scan again", None),
]

ORDER = [r.name for r in TABLE]
BY_NAME = {r.name: r for r in TABLE}
CONVERT = [r.name for r in TABLE if r.verdict == "convert"]
NO_VERDICT = "(no verdict)"


def verdict(name):
    """convert or keep for a reason (an unknown reason is keep: only a proof converts)."""
    r = BY_NAME.get(name)
    return r.verdict if r else "keep"


def meaning(name):
    if name == NO_VERDICT:
        return "the scope analysis has not run on this site"
    r = BY_NAME.get(name)
    return r.meaning if r else ""


def how(name):
    r = BY_NAME.get(name)
    return r.how if r else None
