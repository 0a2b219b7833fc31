"""`gfpscope scan`: the tree's sites, analysed, written as sites.json and the census."""
import os

from ..analyse import callgraph, ownends, proof, providers, regions, scopecheck, tokens, tokentypes, unknowns, verdicts, wrappers
from ..emit import census
from ..collect import lexsites, loops, masking, spatch
from ..core import paths
from . import scanmemo
from ..core.atomic import FileSet, check_writable_dir
from ..collect import words as words_cache
from ..collect.words import files_with
from ..core.errors import GfpError
from ..core.log import log
from ..core.sites import merge
from ..collect.subsystems import Maintainers, dir_subsystem


# what opens a scope inside a function (providers add the files that call them)
REGION_WORDS = ["memalloc_nofs_save", "memalloc_noio_save", "PF_MEMALLOC_NOFS", "PF_MEMALLOC_NOIO"]


def resolve_out(tree, out, allow_in_tree=False):
    """OUT as an absolute path, refused inside the tree. Real paths are compared: a symlink
    outside the tree that points into it (ln -s TREE/fs outlink; --out outlink/x) is inside."""
    out = os.path.abspath(out)
    real, top = os.path.realpath(out), os.path.realpath(tree.path)
    inside = real == top or real.startswith(top.rstrip(os.sep) + os.sep)
    if inside and not allow_in_tree:
        shown = out if real == out else f"{out} (really {real})"
        raise GfpError(f"output directory {shown} is inside the kernel tree: give another --out "
                       "(or --out-in-tree to allow it)")
    check_writable_dir(out)
    return out


def interprocedural(tree, words, findings, jobs, quiet, timeout, providers_conf=None, site_fns=None):
    """Which functions run in a scope: the call graph, the providers, the calls scopes cover."""
    openers = sorted(set().union(*[words.get(w, set()) for w in REGION_WORDS]))
    graph = callgraph.lex_graph(tree, position_files=openers)
    prov = providers.discover(tree, findings, graph, jobs, quiet, timeout, providers_conf)
    return prove_regions(tree, graph, openers, prov, jobs, quiet, timeout, site_fns=site_fns)


def prove_regions(tree, graph, openers, prov, jobs, quiet, timeout, what="scoped calls", site_fns=None):
    """The calls each scope covers (memalloc saves and prov's starts, ended by prov.may_end),
    then the must-analysis over the call graph. whatif runs this too, with its assumed starts."""
    # a function whose every restore or stop closes its own scope leaves its caller's as it
    # was (ownends.py): it neither ends the scope nor makes its callers stop's callers
    balanced, own_ends, failed_own = ownends.balanced(tree, graph, prov, jobs, quiet, timeout)
    graph.ends_scope -= balanced
    prov.end_scopes(graph, balanced)
    graph.ends_scope |= prov.may_end
    # macros that wrap a scope around an argument (wrappers.py): the files that use one
    # hold covered calls too
    wraps = wrappers.table(graph)
    wrap_files = wrappers.use_files(graph, wraps)
    start_files = set().union(*files_with(tree, sorted(prov.starts)).values()) if prov.starts else set()
    callgraph.add_positions(graph, tree, start_files | wrap_files)
    region_files = sorted(set(openers) | start_files | wrap_files)
    # a call to a name defined nowhere (unknowns.py) may end the scope: it ends regions too
    harmful = unknowns.harmful(graph, prov.may_end | prov.stops)
    prov.unresolved |= unknowns.unresolved(tree, graph, region_files, harmful)
    defines, variants = prov.rule_defines(wraps=sorted(wraps))
    # only a function that calls a start (or uses a wrapper) can hold a covered call: blank the others
    keep = masking.words_keeper(body_words=REGION_WORDS + sorted(prov.starts) + sorted(wraps))
    names = prov.rule_names(prov.may_end | prov.unresolved, graph, wrappers.rule_data(wraps))

    def unrolled(data):
        return loops.rewrite(data, graph.is_function)

    def run(files, extra, what):
        return spatch.run_rule(tree, regions.RULE, files, jobs, timeout=timeout, quiet=quiet, what=what,
                               keep=keep, defines=defines, variants=variants, names=dict(names, **extra),
                               transform=unrolled)[0]
    # restores that close a pair nested in an open scope end nothing (regions.py): the rule
    # gets the candidates as data, and the candidates whose saves it does not cover are
    # dropped until the set holds (a greatest fixpoint: a pair inside a loop needs it)
    nested = regions.own_restores(own_ends, region_files)
    res = run(region_files, {"exempt": sorted(nested)} if nested else {}, what)
    for rnd in range(4):
        held = regions.nested_restores(res, own_ends, lambda o: providers.known_kind(o, prov)) & nested
        if held == nested:
            break
        new = held if rnd < 3 else set()  # no fixpoint in 4 rounds: no nesting at all
        again = {f for f, _l, _c in nested - new}
        nested = new
        res.update(run(sorted(again & set(res)), {"exempt": sorted(nested)} if nested else {},
                       what + " (nested scopes)"))

    # live transaction handles (tokens.py): a token type's live parameter covers calls too,
    # unless a work item or callback may reach the function with another task's handle
    toks, failed_tok = tokentypes.types(tree, graph, prov, balanced, jobs, quiet, timeout)
    token_files = sorted({f for t in toks.values() if t["token"] for f in t["files"]})
    callgraph.add_positions(graph, tree, token_files)
    held = tokens.carriers(tree, toks)  # the structs that hold a handle (cur->bc_tp)
    tres = tokens.live_calls(tree, graph, toks, held, prov.may_end | prov.unresolved, jobs, quiet, timeout,
                             site_fns=site_fns)
    callgraph.add_positions(graph, tree, sorted(tres))  # (files that name only a struct holding a handle)
    scope_covered = {(os.path.normpath(rec["file"]), rec["line"], rec["col"]) for r in res.values() for rec in r["records"]
                     if rec.get("what", "call") == "call"}
    foreign, assumed = tokens.owned(tree, graph, toks, tres, scope_covered)
    prov.tokens = tokens.as_json(toks, foreign, assumed)
    for rel, r in tres.items():
        if rel in res:  # a failure of either pass is the file's (callgraph.prove lists it)
            res[rel] = spatch.joined(res[rel], r)
        else:
            res[rel] = r

    def label(rec):
        o = rec["opener"]
        if o.startswith(tokens.OPENER):
            return tokens.label(rec, toks)
        if rec.get("wrap"):
            return wrappers.label(rec, wraps)
        if o in prov.starts:
            return f"{o}(): {prov.label(o)}"
        if o.startswith("PF_"):
            return f"current->flags |= {o} at line {rec['save_line']}"
        if "(" in o:  # memalloc_flags_save(PF_MEMALLOC_NOFS)
            return f"{o} at line {rec['save_line']}"
        return f"{o}() at line {rec['save_line']}"
    kinds = lambda o: providers.kind_of(o, prov)  # noqa: E731
    ipa, failed = callgraph.prove(graph, res, label, kinds)
    # the functions a chain runs through may call a name defined nowhere too: such a
    # function may end its callers' scope, so it runs in no scope by this argument (the
    # region pass above only saw the functions that open a scope)
    chain_files = sorted({f for fn in _chain_functions(ipa, graph, site_fns)
                          for f in graph.def_files.get(callgraph.name_of(fn), ())})
    more = unknowns.unresolved(tree, graph, chain_files, harmful)
    enders = {c for n in more for c, _f, _l, _c in graph.callers(n)}
    prov.unresolved |= more
    if enders & {callgraph.name_of(n) for n in set(ipa["nofs"]) | set(ipa["noio"])}:
        graph.ends_scope |= enders
        ipa, failed = callgraph.prove(graph, res, label, kinds)
    ipa["providers"] = prov
    ipa["tokens"] = toks
    ipa["carriers"] = held
    ipa["token_params"] = tokens.params(tres)
    ipa["token_foreign"], ipa["token_assumed"] = foreign, assumed
    ipa["balanced"] = balanced
    ipa["wraps"] = wraps
    ipa["nested"] = {(f["file"], f["line"], f["col"]): f for f in own_ends
                     if (f["file"], f["line"], f["col"]) in nested}
    ipa["failed_files"] = {f["file"]: f["status"] for f in failed}
    # a file tried one function at a time names the functions that did not finish: only
    # those are undecided (the others' facts are all there)
    ipa["failed_functions"] = {f["file"]: set(f["functions"]) for f in failed if f.get("functions")}
    return ipa, prov.failed + failed_own + failed_tok + failed


def _chain_functions(ipa, graph, site_fns):
    """The functions that run in scope on the way to a site's function (all of those that
    run in scope when site_fns is None): the ones whose unresolved calls can matter."""
    if site_fns is None:
        return set(ipa["nofs"]) | set(ipa["noio"])
    out = set()
    for k in ("nofs", "noio"):
        w = ipa[k]
        for fn in {n for name in site_fns for n in graph.nodes_of(name)}:
            while fn in w and fn not in out:
                out.add(fn)
                fn = w[fn][1] if w[fn][0] == "caller" else None
    return out


def changed_files(before, after, sites):
    """The source files edited while the scan ran (tree.snapshot() before and after). The
    lexer, spatch and the greps may have read different versions of them, so no proof that
    reads one holds: a site in such a file, or whose proof reads one, is kept, with reason
    file-changed; the warning names the files (always: a mixed scan is never silent)."""
    changed = sorted(f for f in before.keys() | after.keys() if before.get(f) != after.get(f))
    if not changed:
        return []
    hit = set(changed)
    n = 0
    for s in sites:
        proof_files = (s.get("proof") or {}).get("files") or ()
        if s["file"] in hit or hit.intersection(proof_files):
            fn = s["function"] or "(file scope)"
            why = s["file"] if s["file"] in hit else sorted(hit.intersection(proof_files))[0]
            s.update(verdict="keep", reason="file-changed", confidence="high",
                     evidence=[f"{fn}: {why} changed while the scan ran"])
            for k in ("proof", "scope_line"):  # a proof of what may be another version
                s.pop(k, None)
            n += 1
    shown = ", ".join(changed[:5]) + (f" and {len(changed) - 5} more" if len(changed) > 5 else "")
    log.warning(f"{len(changed)} source files changed while the scan ran ({shown}): "
                f"{n} sites that depend on them are kept (file-changed); scan again")
    return changed


def _say(notes):
    for level, line in notes:
        getattr(log, level)(line)


def publish(out, sites, c, providers_json, scopes_json):
    """Write the scan's files as one set (atomic.FileSet). sites.json, the file every later
    command starts from, goes in last and its old copy goes first: an interrupted scan leaves
    no sites.json beside a census, scopes or providers list of another run."""
    with FileSet(out, last="sites.json") as fs:
        for name, text in census.files(c).items():
            fs.text(name, text)
        fs.json("scopes.json", scopes_json)
        fs.json("providers.json", providers_json)
        fs.json("sites.json", sites)
        return fs.publish()


def nothing_analysed(out, files, results):
    """Refuse a run in which spatch analysed none of the files (a --timeout it cannot use,
    a spatch that fails on everything): its outputs would only say that every site is
    unparsed, and would replace a good scan in OUT without a word."""
    if not files or any(results[f]["status"] == "ok" for f in files if f in results):
        return
    first = next((f for f in files if f in results), files[0])
    detail = (results.get(first) or {}).get("detail") or "not analysed"
    kept = " (the previous scan there is kept)" if os.path.exists(os.path.join(out, "sites.json")) else ""
    raise GfpError(f"spatch analysed none of the {len(files)} files (the first, {first}: {detail}): "
                   f"nothing written to {out}{kept}: "
                   "check that spatch can analyse one of them")


def run(tree, out, rel_paths=None, jobs=None, quiet=False, timeout=120, providers_conf=None, reanalyse=False):
    jobs = jobs or os.cpu_count() or 1
    spatch.spatch_version()  # fail early, before minutes of work
    if rel_paths:
        rel_paths, dropped = tree.check_paths(rel_paths)
        for p, holder in dropped:
            if not quiet:
                log.info(f"{p}: inside {holder} (or the same): its files are scanned once")
    if not rel_paths or rel_paths == ["."]:
        rel_paths = None  # the whole tree (a PATH may lead to its top: fs/loop -> ..)
    memo = scanmemo.ScanMemo(tree, rel_paths, timeout, providers_conf)
    kept = None if reanalyse else memo.load()
    if kept:
        # the same tree content, code and options as a scan before: its outputs, whole
        c = kept["census"]
        c["files"]["from_cache"] = c["files"]["with_sites"]
        publish(out, kept["sites"], c, kept["providers"], kept["scopes"])
        if not quiet:
            log.info("re-used the scan of this same tree content, code and options "
                     "(nothing analysed; --reanalyse analyses again)")
            _say(kept["notes"])
        return kept["sites"], c
    before = tree.snapshot()  # the files edited while the scan runs: see changed_files
    lex, errors, seen = lexsites.lex_tree(tree, rel_paths)
    files = sorted({s["file"] for s in lex})
    results, cached = spatch.run_rule(tree, paths.FACTS_RULE, files, jobs, timeout=timeout,
                                      quiet=quiet, what="analysing")
    nothing_analysed(out, files, results)
    maint = Maintainers(tree, jobs=jobs)
    owners = maint.lookup(files)
    sites = merge(lex, results, dir_subsystem, owners)
    # scopes: the local-scope proof per site, then the checks of the scopes themselves
    words = files_with(tree, scopecheck.WORDS, rel_paths)
    covered, ended, failed_local = verdicts.local_scopes(tree, files, words, jobs, quiet, timeout)
    findings, failed_scope = scopecheck.run(tree, words, jobs, quiet, timeout)
    ipa, failed_calls = interprocedural(tree, words, findings, jobs, quiet, timeout, providers_conf,
                                        site_fns={s["function"] for s in sites if s["function"]})
    failed_scope += failed_calls
    ipa["carrier_takers"] = tokens.carrier_takers(tree, ipa["carriers"],
                                                  {(s["file"], s["function"]) for s in sites if s["function"]})
    verdicts.assign(sites, covered, findings, ipa, ended)
    proof.add_digests(tree, sites)  # what each convert was proven against (patch/series check it)
    after = tree.snapshot()
    changed = changed_files(before, after, sites)
    if not changed:
        words_cache.flush(tree)  # the greps' answers are the tree's as it is now
    scope = "whole tree" if not rel_paths else ", ".join(rel_paths)
    c = census.build(sites, tree, scope, maint.method)
    c["files"] = {"seen": seen, "with_sites": len(files), "from_cache": cached,
                  "unreadable": [{"file": f, "error": e} for f, e in errors],
                  "failed": [{"file": f, "status": r["status"], "detail": r["detail"]}
                             for f, r in sorted(results.items()) if r["status"] != "ok"],
                  "changed": changed}
    c["scopes"] = scopecheck.summary(findings)
    providers_json = ipa["providers"].as_json()
    scopes_json = scopecheck.scopes_json(findings, failed_local + failed_scope)
    publish(out, sites, c, providers_json, scopes_json)
    failures = c["files"]["failed"] + failed_local + failed_scope
    notes = []  # (level, line): what a run that re-uses this scan says again
    for f, e in errors:
        notes.append(("warning", f"{f}: {e}"))
    said = set()  # one line per file and fault, however many passes met it
    for fl in failures:
        line = f"{fl['file']}: {fl['status']}: {fl['detail']}"
        if line not in said:
            said.add(line)
            notes.append(("warning", line))
    # kept for the next run unless a failure may be this run's alone: a file that changed, a
    # spatch error (out of memory?) or get_maintainer.pl failing are tried again next time, as
    # the per-file caches do (a time-out is an answer, keyed by --timeout)
    if not changed and not maint.failed and all(fl["status"] == "timeout" for fl in failures):
        memo.store(after, sites=sites, census=c, providers=providers_json, scopes=scopes_json, notes=notes)
    if not quiet:
        if cached:
            log.info(f"re-used cached facts for {cached} of {len(files)} files")
        if getattr(ipa["graph"], "from_cache", False):
            log.info("re-used the cached call graph (no source file changed)")
        _say(notes)
    return sites, c
