"""`gfpscope whatif`: what would a new scope prove?

The question a maintainer asks before adding a transaction scope (btrfs's
start_transaction() has none): if START opened a nofs scope that STOP
closes, which sites would become provably redundant? The answer is the same
analysis as `scan`, with START counted as a save and STOP as a restore in
the scoped-calls rule (generated from cocci/facts/scoped_calls.cocci) and in
the call graph. It is an estimate for planning: it assumes START always
opens the scope, including on its failure paths.
"""
import re

from ..analyse import callgraph, providers, verdicts
from ..emit import report
from . import scan
from ..core import readback, sites as sites_file
from ..core.atomic import FileSet
from ..core.errors import GfpError
from ..collect import words as words_cache
from ..collect.words import files_with

IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def parse_scopes(specs):
    starts, stops = [], []
    for spec in specs:
        start, sep, stop = spec.partition(":")
        if not sep or not IDENT.match(start) or not all(IDENT.match(s) for s in stop.split(",")):
            raise GfpError(f"--scope {spec}: give START:STOP as function names, e.g. "
                           "start_transaction:btrfs_end_transaction (STOP may be a comma list)")
        starts.append(start)
        stops += [s for s in stop.split(",") if s not in stops]
    return starts, stops


def parse_tokens(specs):
    """{struct tag: [stops]} from --token STRUCT:STOP[,STOP...]."""
    out = {}
    for spec in specs:
        tag, sep, stop = spec.partition(":")
        tag = tag[len("struct "):] if tag.startswith("struct ") else tag
        if not sep or not IDENT.match(tag) or not all(IDENT.match(s) for s in stop.split(",")):
            raise GfpError(f"--token {spec}: give STRUCT:STOP as a struct tag and function names, e.g. "
                           "btrfs_trans_handle:btrfs_end_transaction (STOP may be a comma list)")
        out[tag] = stop.split(",")
    return out


def tally(items, key):
    """{key(item): how many}, the most first (then by key)."""
    per = {}
    for it in items:
        per[key(it)] = per.get(key(it), 0) + 1
    return dict(sorted(per.items(), key=lambda kv: (-kv[1], kv[0])))


def held_but_kept(sites, ipa, assumed_tokens):
    """The sites still keep although their function takes a handle of an assumed token type:
    the planning question's other half. "handle" says why the handle proves nothing there: a
    work item or callback may reach the function with another task's handle (the hand-off
    walk dropped its facts), or no dereference makes it known valid before the site with no
    possible scope end between; the verdict's reason and evidence say the rest."""
    takers = {k for k, ps in (ipa.get("token_params") or {}).items()
              if any(tag in assumed_tokens for _p, tag in ps)}
    foreign = ipa.get("token_foreign") or {}
    kept = []
    for s in sites:
        if s["verdict"] == "convert" or (s["file"], s["function"]) not in takers:
            continue
        node = ipa["graph"].node(s["function"], s["file"])
        kept.append({"file": s["file"], "line": s["line"], "function": s["function"], "call": s.get("call"),
                     "reason": s["reason"], "handle": "another task's" if node in foreign else "not known valid",
                     "evidence": s["evidence"][0] if s.get("evidence") else ""})
    return {"count": len(kept), "by_handle": tally(kept, lambda s: s["handle"]), "sites": kept}


def held_lines(held, assumed_tokens):
    """whatif.md's section on held_but_kept()."""
    names = " or ".join(f"struct {t}" for t in sorted(assumed_tokens))
    lines = ["", f"## Still keep although the function takes a {names} handle", "",
             f"{held['count']} sites: a work item or callback may reach the function with another task's "
             "handle, or no dereference makes the handle known valid before the site (each site's "
             "evidence says which caller or call stands in the way).", ""]
    if not held["count"]:
        return lines
    lines += ["| the handle | sites |", "|---|---:|"] + [f"| {r} | {n} |" for r, n in held["by_handle"].items()]
    lines += ["", "| site | function | the handle | reason | evidence |", "|---|---|---|---|---|"]
    lines += [f"| {s['file']}:{s['line']} | {s['function']} | {s['handle']} | {s['reason']} | {s['evidence']} |"
              for s in held["sites"]]
    return lines


def run(tree, out, specs, jobs, quiet, timeout, tokens=()):
    starts, stops = parse_scopes(specs)
    assumed_tokens = parse_tokens(tokens)
    stops += [s for st in assumed_tokens.values() for s in st if s not in stops]
    base = sites_file.load(out)
    # the scan's own providers and stops, plus the assumed scope: the same proof as the
    # scan's, so that the only new converts are the ones the assumed scope makes
    prov = providers.from_data(readback.providers(out))
    for a in starts:
        prov.starts[a] = {"kind": "nofs", "shape": "plain", "how": "assumed by whatif", "via": [],
                          "declared": True}
    prov.stops |= set(stops)
    prov.assumed_tokens = assumed_tokens
    words = files_with(tree, scan.REGION_WORDS + starts)
    openers = sorted(set().union(*[words.get(w, set()) for w in scan.REGION_WORDS + starts]))
    enders = re.compile(callgraph.CLEARING.pattern + "|^(" + "|".join(stops) + ")$") if stops \
        else callgraph.CLEARING
    graph = callgraph.lex_graph(tree, position_files=openers, enders=enders)
    prov.end_scopes(graph)
    # a file spatch failed on proves nothing: the estimate is only lower
    ipa, _ = scan.prove_regions(tree, graph, openers, prov, jobs, quiet, timeout, what="what-if scopes",
                                site_fns={s["function"] for s in base if s.get("function")})
    sites = [dict(s) for s in base]
    covered = {(s["file"], s["line"], s["col"]): ("memalloc_nofs_save", s.get("scope_line") or 0)
               for s in base if s.get("reason") == "local-scope"}
    verdicts.assign(sites, covered, [], ipa)
    before = {(s["file"], s["line"], s["col"]) for s in base if s.get("verdict") == "convert"}
    new = [s for s in sites if s["verdict"] == "convert" and (s["file"], s["line"], s["col"]) not in before]
    held = held_but_kept(sites, ipa, assumed_tokens)
    result = {"assumed": [{"start": a, "stop": stops} for a in starts] +
              [{"token": f"struct {t}", "stop": st} for t, st in sorted(assumed_tokens.items())],
              "new_converts": len(new),
              "converts_before": len(before), "converts_after": len(before) + len(new),
              "by_subsystem": tally(new, lambda s: s["subsystem"]), "by_file": tally(new, lambda s: s["file"]),
              "by_family": tally(new, lambda s: report.family(s.get("call"))), "sites": new,
              "held_but_kept": held}
    what = [f"{', '.join(starts)} opened a nofs scope"] if starts else []
    what += [f"a live struct {t} held a nofs scope" for t in sorted(assumed_tokens)]
    lines = [f"# What if {' and '.join(what)}, closed by {', '.join(stops)}",
             "", f"{len(new)} more sites provably redundant ({len(before)} -> {len(before) + len(new)}).", ""]
    for title, key in (("subsystem", "by_subsystem"), ("file", "by_file"), ("allocator family", "by_family")):
        lines += [f"| {title} | new converts |", "|---|---:|"]
        lines += [f"| {k} | {v} |" for k, v in result[key].items()] + [""]
    lines += ["| site | function | evidence |", "|---|---|---|"]
    lines += [f"| {s['file']}:{s['line']} | {s['function']} | {s['evidence'][0]} |" for s in new]
    if assumed_tokens:
        lines += held_lines(held, assumed_tokens)
    words_cache.flush_unless_changed(tree)  # the greps' answers, for the next run
    with FileSet(out, last="whatif.json") as fs:  # one set: whatif.json, which scripts read, last
        fs.text("whatif.md", "\n".join(lines) + "\n")
        fs.json("whatif.json", result)
        fs.publish()
    return result
