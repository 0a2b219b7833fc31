"""What the scoped-calls rule is told: its starts, its scope-ending calls, its variant.

cocci/facts/scoped_calls.cocci is written for the memalloc API alone. The
driver gives it more starts (providers: plain, or checked with a pointer or
an int result) and more scope-ending calls as data: a JSON file of name
lists, passed with -D names=FILE (spatch.run_rule writes it), that the
rule's script constraints test. Its variants are chosen with virtual rules:
-D returns for provider discovery, -D checked for a file that names a
checked start.
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
