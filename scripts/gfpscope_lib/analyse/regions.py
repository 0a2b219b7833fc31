"""What the scoped-calls rule is told: its starts, its scope-ending calls, its variant.

cocci/facts/scoped_calls.cocci is written for the memalloc API alone. The
driver gives it more starts (providers: plain, or checked with a pointer or
an int result) and more scope-ending calls as data: a JSON file of name
lists, passed with -D names=FILE (spatch.run_rule writes it), that the
rule's script constraints test. Its variants are chosen with virtual rules:
-D returns for provider discovery, -D checked for a file that names a
checked start.

Nesting by cookie: a restore puts the flag back as it was when its cookie was
saved. So a restore whose cookie is its function's own (own_ends.cocci: set by
saves of the same kind on every path) and whose every save ran with that bit
set (the save is a call the scoped-calls rule covers, and every start covering
it sets the bit) leaves that scope open: a
second pass over those files gives the rule these restores as data
("exempt"), and they end nothing there. A level of nesting per pass.

Wrapper macros (wrappers.py) are data too: "wrap" in the names, and -D wraps for the
files that name one.
"""
from ..collect import masking
from ..core import paths

RULE = paths.SCOPED_CALLS_RULE
SAVES = ["memalloc_nofs_save", "memalloc_noio_save"]


def names(plain=(), ckp=(), cki=(), enders=(), wraps=None, functions=()):
    """The name lists the rule adds to the memalloc API's (sorted: they key the fact cache),
    the scope-ending names that are plain functions (plain_functions), and the wrapper
    macros (wrappers.rule_data), when there are some."""
    out = {"sv": sorted(set(plain)), "ckp": sorted(set(ckp)), "cki": sorted(set(cki)),
           "rf": sorted(set(enders)), "fn": sorted(set(functions))}
    if wraps:
        out["wrap"] = wraps
    return out


def plain_functions(graph, enders):
    """The scope-ending names (enders, and the memalloc restores and the other names of the
    local rule's list that the tree defines) that are plain functions: defined as a function
    and nowhere as a macro (graph.is_function). A call of one evaluates its arguments before
    it runs, so a call in them runs before the end; a macro may run its argument after it
    ends the scope, and a name defined nowhere may be a macro. The rules take every name
    not listed for a macro (cocci/facts/scoped_calls.cocci, token_calls.cocci)."""
    return sorted(n for n in set(enders) | graph.defined_enders() if graph.is_function(n))


def names_none_of(words):
    """accept(data) for spatch.run_rule's variants: the text names none of these."""
    pat = masking.word_regex(words)
    return lambda data: pat is None or pat.search(data) is None


def defines(checked_starts, returns=False, wraps=()):
    """(defines, variants) for spatch.run_rule: the rule with its checked-start rules for a
    file that names one of checked_starts, without them for the others (same facts, less
    matching); likewise its wrapper rules (-D wraps) only for a file that names one of the
    wrapper macros wraps."""
    base = {"returns": None} if returns else {}
    if not wraps:
        return dict(base, checked=None), [(base, names_none_of(checked_starts))]
    no_ck, no_wr = names_none_of(checked_starts), names_none_of(wraps)
    return dict(base, checked=None, wraps=None), [
        (base, lambda d: no_ck(d) and no_wr(d)), (dict(base, checked=None), no_wr),
        (dict(base, wraps=None), no_ck)]


# the restores nesting applies to, and the bit each puts back
RESTORE_KIND = {"memalloc_nofs_restore": "nofs", "memalloc_noio_restore": "noio"}


def own_restores(own_ends, files):
    """{(file, line, col)} of the own memalloc restores in these files: the candidates."""
    files = set(files)
    return {(f["file"], f["line"], f["col"]) for f in own_ends
            if f.get("callee") in RESTORE_KIND and f.get("saves") and f["file"] in files}


def nested_restores(results, own_ends, kind_of):
    """{(file, line, col)} of the own restores that leave every other scope as it was.

    A restore of kind K (its cookie from saves S of kind K) puts the K bit back as it was
    at S. The results must cover every S. Then either every start covering S sets K
    (the bit was set: the restore keeps it), or no start of kind K but S runs in the
    function (the restore clears K at most, and only what S set: the scopes of the other
    kind that covered S go on; a start of kind K between S and the restore would be
    undone). kind_of(opener) is "nofs", "noio" or None (unknown)."""
    kinds, openers = {}, {}
    for r in results.values():
        for rec in r["records"]:
            if rec.get("t") != "scall" or rec.get("what", "call") != "call":
                continue
            k = rec["kind"] if "kind" in rec else kind_of(rec.get("opener"))  # a wrapper's says
            kinds.setdefault((rec["file"], rec["line"], rec["col"]), set()).add(k)
            openers.setdefault((rec["file"], rec.get("caller")), set()).add((k, rec.get("save_line")))
    out = set()
    for f in own_ends:
        kind = RESTORE_KIND.get(f.get("callee"))
        if not kind or not f.get("saves"):
            continue
        covering = [kinds.get((f["file"], line, col)) for line, col in f["saves"]]
        if not all(covering):
            continue
        save_lines = {line for line, _col in f["saves"]}
        others = {(k, l) for k, l in openers.get((f["file"], f["fn"]), ()) if l not in save_lines}
        if all(c == {kind} for c in covering) or \
                all(k is not None and k != kind for k, _l in others):
            out.add((f["file"], f["line"], f["col"]))
    return out
