"""Balanced functions: every scope end they make closes a scope they opened themselves.

A restore puts the flag back as it was when its cookie was saved, and a
provider's stop puts back what its start saved in the handle. So a function
whose every restore or stop takes a cookie or handle its own save or start
set on every path (cocci/facts/own_ends.cocci: an "own" end) leaves the
scope its caller holds as it was. Such a function does not end its caller's
scope: it is not in graph.ends_scope, and the may-end closure does not climb
through its calls to a stop (a function that calls it is not a stop's
caller for that call).

Each end is checked where the lexer sees it: a function is balanced only if
every call it makes to a scope end (a restore, a clearing call of the local
rule's list, a provider stop) has a position and an "own" fact there. A call
the rule did not see (a file it failed on, a function spatch did not parse,
a call inside a macro, a plain edge the graph keeps no position of) leaves
the function unbalanced.
"""
from ..collect import lexsites, loops, masking, spatch
from ..collect.words import files_with
from ..core import paths

RESTORES = ["memalloc_nofs_restore", "memalloc_noio_restore", "memalloc_flags_restore"]


def balanced(tree, graph, prov, jobs, quiet, timeout):
    """(names of the balanced functions, the own ends' facts, files the rule failed on)."""
    from . import callgraph, unknowns
    stops = set(prov.stops)
    direct = set(RESTORES) | stops
    files = sorted(set().union(*files_with(tree, sorted(direct)).values()))
    if not files:
        return set(), [], []
    callgraph.add_positions(graph, tree, files)
    # a macro (or a name defined nowhere) may write the cookie it is handed, or run an end in
    # its argument after it writes the cookie: the rule is told which callees are no plain
    # functions
    callees = {f[3] for f in lexsites.graph_records(tree, files) if f[0] == "CALL" and len(f) >= 6}
    maybe = {c for c in callees if not graph.is_function(c)}
    nonfn = sorted(maybe - unknowns.pasted_functions(tree, files, maybe))
    res, _ = spatch.run_rule(tree, paths.OWN_ENDS_RULE, files, jobs, timeout=timeout, quiet=quiet,
                             what="own ends", keep=masking.words_keeper(body_words=sorted(direct)),
                             names={"starts": sorted(prov.starts), "stops": sorted(stops),
                                    "nonfn": nonfn},
                             transform=lambda d: loops.rewrite(d, graph.is_function))
    own, facts, failed = set(), [], []
    for rel, r in sorted(res.items()):
        if r["status"] != "ok":
            failed.append({"rule": "own_ends", "file": rel, "status": r["status"], "detail": r["detail"]})
        for rec in r["records"]:
            if rec.get("t") == "end" and rec.get("own"):
                own.add((rec["file"], rec["line"], rec["col"]))
                facts.append(rec)
    ends = [n for n in set(graph.calls) | set(graph.plain) if n in stops or graph.enders.match(n)]
    good, bad = set(), set()
    for callee in ends:
        for caller, file, line, col in graph.calls.get(callee, ()):
            (good if (file, line, col) in own else bad).add(caller)
        bad |= set(graph.plain.get(callee, ()))  # no position: not checked
    return good - bad, facts, failed
