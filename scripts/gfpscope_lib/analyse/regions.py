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
saves of the same kind on every path) and whose every save ran inside a scope
(the save is a call the scoped-calls rule covers) leaves that scope open: a
second pass over those files gives the rule these restores as data
("exempt"), and they end nothing there. A level of nesting per pass.
"""
from ..collect import masking
from ..core import paths

RULE = paths.SCOPED_CALLS_RULE
SAVES = ["memalloc_nofs_save", "memalloc_noio_save"]


def names(plain=(), ckp=(), cki=(), enders=()):
    """The name lists the rule adds to the memalloc API's (sorted: they key the fact cache)."""
    return {"sv": sorted(set(plain)), "ckp": sorted(set(ckp)), "cki": sorted(set(cki)),
            "rf": sorted(set(enders))}


def names_none_of(words):
    """accept(data) for spatch.run_rule's variants: the text names none of these."""
    pat = masking.word_regex(words)
    return lambda data: pat is None or pat.search(data) is None


def defines(checked_starts, returns=False):
    """(defines, variants) for spatch.run_rule: the rule with its checked-start rules for a
    file that names one of checked_starts, without them for the others (same facts, less
    matching)."""
    base = {"returns": None} if returns else {}
    return dict(base, checked=None), [(base, names_none_of(checked_starts))]


RESTORE_OF = {"memalloc_nofs_restore": "memalloc_nofs_save", "memalloc_noio_restore": "memalloc_noio_save",
              "memalloc_flags_restore": "memalloc_flags_save"}


def own_restores(own_ends, files):
    """{(file, line, col)} of the own memalloc restores in these files: the candidates."""
    files = set(files)
    return {(f["file"], f["line"], f["col"]) for f in own_ends
            if f.get("callee") in RESTORE_OF and f.get("saves") and f["file"] in files}


def nested_restores(results, own_ends):
    """{(file, line, col)} of the own restores whose every save the results show covered."""
    covered = {(rec["file"], rec["line"], rec["col"]) for r in results.values() for rec in r["records"]
               if rec.get("t") == "scall" and rec.get("what", "call") == "call"}
    return {(f["file"], f["line"], f["col"]) for f in own_ends
            if f.get("callee") in RESTORE_OF and f.get("saves")
            and all((f["file"], line, col) in covered for line, col in f["saves"])}
