"""Step 4, verdicts: convert or keep, with a reason, a confidence and the evidence.

Confidence:
  high      proven on every path by a forall analysis (patch mode rewrites these)
  moderate  proven under an assumption the evidence states (not rewritten by default)
Reasons: the table in core/reasons.py (name, verdict, meaning). Which applies, in order:
  unparsed, then a local scope the region pass confirms (local-scope), a region covering the
  site's own call (transaction when a provider opened it, else local-scope), a function that
  runs in scope through all its callers (transaction or caller-scope; high only when every
  function on the chain is static, moderate when a declared provider or a non-static
  function is on it), a local scope the region pass refutes (scope-ended: a call between may
  end a scope, itself, through a macro or through what it calls, or has no body the analysis
  can read, unknowns.py), a vmalloc-family bug, flags that go elsewhere than an allocator
  (not-an-allocation), and callgraph.why_not for the rest (no-scope, dual-context,
  address-taken, exported, asm-caller).
Every convert carries a `proof` record (proof.py) that patch and series check first.
"""
import os
import re

from ..core import paths
from ..core.errors import GfpError
from . import proof, rulepatterns, tokens
from ..collect import spatch
from .callgraph import chain, show, unread, why_not
from ..core.sites import UNPARSED_TEXT

LOCAL_RULE = "gfp_scope_redundant"
OPENER_WORDS = ["memalloc_nofs_save", "memalloc_noio_save", "PF_MEMALLOC_NOFS", "PF_MEMALLOC_NOIO"]


def local_scopes(tree, site_files, words, jobs, quiet, timeout):
    """(covered, ended, failed): {(file, line, col): (save function, save line)} for the sites
    a local scope covers, and for those a save reaches with a clearing event after it."""
    rule = os.path.join(paths.COCCI, LOCAL_RULE + ".cocci")
    if not os.path.exists(rule):
        raise GfpError(f"{rule} is missing: gfpscope's rules are incomplete (a fresh clone has it)")
    # what can open a scope in the rule: a save, or flags naming PF_MEMALLOC_NOFS/NOIO
    scoped = set().union(*[words.get(w, set()) for w in OPENER_WORDS])
    files = sorted(f for f in site_files if f in scoped)
    # the rule's facts mode: the covered sites as data, not its report text for people
    res, _ = spatch.run_rule(tree, rule, files, jobs, timeout=timeout, defines={"facts": None},
                             quiet=quiet, what="local scopes", parse=spatch.parse_facts)
    covered, failed, ended = {}, [], {}
    for rel, r in res.items():
        if r["status"] != "ok":
            failed.append({"rule": LOCAL_RULE, "file": rel, "status": r["status"], "detail": r["detail"]})
        for rec in r["records"]:
            if rec.get("t") == "covered":
                covered[(rel, rec["line"], rec["col"])] = (rec["save"], rec["save_line"])
            elif rec.get("t") == "ended":
                ended[(rel, rec["line"], rec["col"])] = (rec["save"], rec["save_line"])
    return covered, ended, failed


_MASK_OFF = re.compile(r"&~(?:__GFP_\w+|\(__GFP_\w+(?:\|__GFP_\w+)*\))")


def consumed_at_once(site, alloc_re):
    """The flags go straight into an allocator as a plain flag expression (as the local rule asks)."""
    if alloc_re is None or not site["call"] or not alloc_re.match(site["call"]):
        return False
    flags = _MASK_OFF.sub("", re.sub(r"\s+", "", site["flags"]))
    return bool(re.fullmatch(r"[\w|()]+", flags)) and "||" not in flags and not re.search(r"\w\(", flags)


def _nested_note(site, region, ipa):
    """The inner pairs a local proof passed over: each restore closes its own cookie, saved
    inside the scope, so the scope is open again after it."""
    start = ipa["save_lines"].get(region) or 0
    pairs = sorted((f["line"], f["callee"], f["cookie"], f["saves"]) for (file, line, _c), f in
                   ipa.get("nested", {}).items()
                   if file == site["file"] and f["fn"] == site["function"] and start < line < site["line"])
    if not pairs:
        return ""
    return "; " + "; ".join(f"{callee}({cookie}) at line {line} restores its own cookie, saved at line "
                            f"{', '.join(str(l) for l, _ in saves)} inside the scope"
                            for line, callee, cookie, saves in pairs)


def _opened(save):
    """How the evidence names what the local rule says opened the scope."""
    return "a write to current->flags" if save == "current->flags" else save + "()"


def _kind(site):
    return "noio" if site["kind"] == "noio" else "nofs"


def own_region(site, ipa):
    """The scope that covers the site's own allocation call in its function, if one does.

    The covered calls are known by position; the site's call is the nearest
    call of that name at or before the site's flags, in the same function.
    """
    if not ipa or not site["call"] or not site["function"]:
        return None
    best = None
    for caller, file, line, col in ipa["graph"].calls.get(site["call"], ()):
        if caller == site["function"] and file == site["file"] and \
                (line, col) <= (site["line"], site["col"]) and (best is None or (line, col) > best[1:]):
            best = (file, line, col)
    if best is None:
        return None
    k = ipa["scoped"].get(best)
    # a call only a wrapper macro covers is covered within one argument, not a statement:
    # the site's own flags must be in it (a call of the same name nested in the wrapped
    # argument of a wrapper that is itself an argument of the site's call is not the site's)
    args = ipa.get("wrap_args", {}).get(best)
    if args and not any((a, b) <= (site["line"], site["col"]) < (c, d) for a, b, c, d in args):
        return None
    return best if k is not None and (k == "noio" or site["kind"] != "noio") else None


def root_scope(fn, witness):
    """The position of the covered call a chain of callers ends at."""
    seen, w = set(), witness.get(fn)
    while w and w[0] == "caller" and w[1] not in seen:
        seen.add(w[1])
        w = witness.get(w[1])
    return tuple(w[2:]) if w and w[0] == "scope" else None


def _opener(ipa, key):
    """(the start that opened the scope at key, whether it is a provider's transaction)."""
    o = ipa.get("openers", {}).get(key)
    prov = ipa.get("providers")
    return o, bool(prov and o in prov.starts)


def _reason(ipa, key, other):
    """transaction-handle for a scope a live handle holds, transaction for a provider's
    start, other for a memalloc scope."""
    o, tx = _opener(ipa, key)
    if o and o.startswith(tokens.OPENER):
        return "transaction-handle"
    return "transaction" if tx else other


def _declared(ipa, opener):
    prov = ipa.get("providers")
    return bool(prov and opener in prov.starts and prov.starts[opener]["declared"])


def _enders_between(site, save_line, ipa):
    """ (X() ends a scope; Y() is defined nowhere in the tree), for the calls between a
    local save and the site that the region pass counts as possible scope ends."""
    graph, prov = ipa["graph"], ipa.get("providers")
    unresolved = prov.unresolved if prov else set()
    found = []
    for callee, calls in graph.calls.items():
        for caller, file, line, _col in calls:
            if caller == site["function"] and file == site["file"] and save_line <= line <= site["line"]:
                if callee in unresolved:
                    found.append((line, f"{callee}() has no body the analysis can clear (defined nowhere in "
                                        "the tree, or made by a ## macro that may end a scope)"))
                elif callee in graph.ends_scope or graph.enders.match(callee) or (prov and callee in prov.may_end):
                    found.append((line, f"{callee}() may end a scope (it stops a transaction, restores a "
                                        "cookie or clears PF_MEMALLOC_*, itself or through what it calls)"))
    if not found:
        return " (it stops a transaction or restores a cookie)"
    return " (" + "; ".join(f"line {l}: {w}" for l, w in sorted(set(found))[:3]) + ")"


def _scope_holder(node, witness):
    """The function whose own scope (or live handle) a chain of callers ends at."""
    seen, w = set(), witness.get(node)
    while w and w[0] == "caller" and w[1] not in seen:
        seen.add(w[1])
        w = witness.get(w[1])
    return w[1] if w and w[0] == "scope" else None


def _handle_assumption(ipa, opener, holder):
    """For a proof by a live handle reached through an ops table, or read from a field of a
    parameter: the note that says what it assumes (the table's caller owns the handle; the
    struct the parameter points to holds this task's handle), or None."""
    parts = tokens.opener_parts(opener)
    if not parts:
        return None
    via = (ipa.get("token_assumed") or {}).get(holder)
    note = (f"; {holder.partition('@')[0]}() is reached through an ops table ({via}): assumed to run "
            "in the task that owns the handle") if via else ""
    if "->" in parts[1]:
        note += f"; {parts[1]} is a field of a parameter: assumed to hold this task's handle"
    return note or None


def _handle_notes(s, node, ipa, reason=None):
    """What a keep site's evidence adds about handles: the handle may be another task's (a
    work item reaches the function), or the function takes a handle not known valid at the
    site (a GFP_KERNEL | __GFP_NOLOCKDEP candidate, the idiom upstream used for allocations
    that run both inside and outside transactions)."""
    notes = ""
    why = (ipa.get("token_foreign") or {}).get(node)
    if why:
        notes += f"; its handle may be another task's: {why}"
    params = (ipa.get("token_params") or {}).get((s["file"], s["function"]))
    carrier = (ipa.get("carrier_takers") or {}).get((s["file"], s["function"]))
    if params:
        p, tag = params[0]
        s["nolockdep_candidate"] = True
        notes += (f"; {s['function']}() takes a struct {tag} handle ({p}) that is not known valid at "
                  "the site: a candidate for GFP_KERNEL | __GFP_NOLOCKDEP review")
    elif carrier and reason == "dual-context":
        p, struct = carrier
        s["nolockdep_candidate"] = True
        notes += (f"; {s['function']}() takes a struct {struct} ({p}), which holds a transaction handle, and "
                  "runs both inside and outside a scope: a candidate for GFP_KERNEL | __GFP_NOLOCKDEP review")
    return notes


def assign(sites, covered, scope_findings, ipa=None, ended=None):
    """Give every site its verdict, reason, confidence and evidence (see the module's docstring)."""
    alloc_re = rulepatterns.allocators() if ipa else None
    static_only = ipa["static_only"] if ipa else set()
    vmalloc_bugs = {(f["file"], f["line"]) for f in scope_findings
                    if f["rule"] == "gfp_vmalloc_nofs" and f["kind"] == "bug"}
    for s in sites:
        key = (s["file"], s["line"], s["col"])
        fn = s["function"] or ("(#if 0 code)" if s.get("context") == "if0" else "(file scope)")
        witness = ipa[_kind(s)] if ipa else {}
        node = ipa["graph"].node(s["function"], s["file"]) if ipa and s["function"] else s["function"]
        runs_in_scope = node in witness
        region = own_region(s, ipa)
        # the local rule knows only the memalloc restores; the region pass also knows every
        # call that may end a scope (providers.may_end), so with the call graph it has the
        # last word: a local save it does not confirm is scope-ended below
        ended_locally = bool(ipa) and region is None
        if not s["parsed"]:
            s.update(verdict="keep", reason="unparsed", confidence="high",
                     evidence=[f"{fn}: not analysed: {UNPARSED_TEXT.get(s['unparsed_reason'], s['unparsed_reason'])}"])
        elif key in covered and not ended_locally:
            save, line = covered[key]
            s.update(verdict="convert", reason="local-scope", confidence="high",
                     evidence=[f"{fn} ({_opened(save)} at line {line})"], scope_line=line,
                     proof=proof.build(s, ipa, region=region, local=(save, line)))
        elif region and consumed_at_once(s, alloc_re):
            opener, tx = _opener(ipa, region)
            assumed = _handle_assumption(ipa, opener, node)
            s.update(verdict="convert", reason=_reason(ipa, region, "local-scope"),
                     confidence="moderate" if _declared(ipa, opener) or assumed else "high",
                     evidence=[f"{fn} ({ipa['saves'][region]}){_nested_note(s, region, ipa)}{assumed or ''}"],
                     proof=proof.build(s, ipa, region=region))
        elif runs_in_scope and consumed_at_once(s, alloc_re):
            ev = chain(node, witness, ipa["saves"])
            root = root_scope(node, witness)
            opener, tx = _opener(ipa, root)
            # high only if every function on the chain is static: all its callers are in one file
            assumed = _handle_assumption(ipa, opener, _scope_holder(node, witness))
            conf = "high" if all(n in static_only for n in ev[:-1]) and not _declared(ipa, opener) \
                and not assumed else "moderate"
            own = [show(n) for n in ev[:-1] if n.partition("@")[0] in ipa.get("balanced", ())]
            note = f"; {', '.join(own)}: every restore or stop closes its own scope" if own else ""
            note += assumed or ""
            s.update(verdict="convert", reason=_reason(ipa, root, "caller-scope"), confidence=conf,
                     evidence=[" <- ".join([show(n) for n in ev[:-1]] + ev[-1:]) + note],
                     proof=proof.build(s, ipa, witness=witness, node=node))
        elif key in covered or key in (ended or {}):
            save, line = covered.get(key) or ended[key]
            lost = unread(s["file"], s["function"], ipa.get("failed_files", {}), ipa.get("failed_functions", {}))
            s.update(verdict="keep", reason="scope-ended", confidence="high",
                     evidence=[f"{fn}: {_opened(save)} at line {line} opens a scope, but "
                               + ("the scoped-calls pass could not read the file, so no call between them "
                                  "is known not to end a scope" if lost else
                                  "a call before the site may end a scope" + _enders_between(s, line, ipa)
                                  + ": check by hand")])
        elif key[:2] in vmalloc_bugs:
            s.update(verdict="keep", reason="vmalloc-ignores-nofs", confidence="high",
                     evidence=[f"{fn}: {s['call']} ignores {s['kind'].upper()} before v5.17; "
                               "use a memalloc scope"])
        elif runs_in_scope:
            s.update(verdict="keep", reason="not-an-allocation", confidence="high",
                     evidence=[f"{fn} runs in scope, but the flags are not passed straight to an "
                               "allocator (stored, returned or handed on): check by hand"])
        elif ipa and unread(s["file"], s["function"], ipa.get("failed_files", {}),
                            ipa.get("failed_functions", {})):
            # the pass that finds the scopes and live handles in the function did not finish
            # a file tried one function at a time lost only some functions: name this one
            what = (f"{s['function']}() in {s['file']}" if s["file"] in ipa.get("failed_functions", {})
                    else s["file"])
            s.update(verdict="keep", reason="undecided", confidence="high",
                     evidence=[f"{fn}: the scope pass could not analyse {what} "
                               f"({ipa['failed_files'][s['file']]}), so whether a scope or a live "
                               "handle covers the site is unknown: scan again with a longer --timeout"])
        elif ipa and s["function"]:
            reason, ev = why_not(node, ipa["graph"], witness, ipa["scoped"], _kind(s) == "noio",
                                 ipa.get("failed_files"), ipa.get("failed_functions"))
            s.update(verdict="keep", reason=reason, confidence="high", evidence=[ev + _handle_notes(s, node, ipa, reason)])
        else:
            s.update(verdict="keep", reason="no-scope", confidence="high",
                     evidence=[f"{fn}: no memalloc scope in this function covers the site on every path"])
    return sites
