"""Name lists the driver shares with the SmPL rules, read from the rules themselves.

The allocation APIs that consume flags at once and the calls that end a
scope are written once, as `identifier X =~ "..."` constraints in
cocci/gfp_scope_redundant.cocci; the driver's own analyses read them from
there so that the two can never disagree.
"""
import functools
import os
import re

from ..core import paths

LOCAL_RULE = os.path.join(paths.COCCI, "gfp_scope_redundant.cocci")


@functools.lru_cache(maxsize=None)
def identifier_regex(metavar, rule=LOCAL_RULE):
    with open(rule, encoding="utf-8") as f:
        m = re.search(r'identifier %s =~ "([^"]+)";' % re.escape(metavar), f.read())
    if not m:
        raise RuntimeError(f"{rule}: no 'identifier {metavar} =~' constraint")
    return re.compile(m.group(1))


def allocators():
    """Allocation APIs that use the flags on the spot (the local rule's `f`)."""
    return identifier_regex("f")


def scope_enders():
    """Calls that can end a scope opened elsewhere (the local rule's `rf`)."""
    return identifier_regex("rf")
