"""Step 3d, live handles: a valid handle of a token type means its task is in the scope.

Which struct types are tokens is tokentypes.py's. Where a token is live
(cocci/facts/token_calls.cocci, live_calls()): a parameter of a token type, dereferenced
before a call on every path (or on every path through the function), with no
scope-ending call between. Those calls are covered calls, as a save's are.

Whose handle (owned()): a handle covers its own task only. A work item, a kthread, a
timer or a completion callback runs in another task: a function whose address is taken
and whose parameters have such a shape (ASYNC_SHAPES: a struct work_struct *, a void *
alone, ...). Such an entry can get another task's handle only from memory: it names the
type, a field that holds a handle or a struct that holds one (args->cur, cur->bc_tp), or
calls a function that takes a handle (handing it a void * payload). Assumed: a payload
that goes through another function first is not a handle. A
function that such an entry can reach by calls no scope covers (ops tables resolved by
field name; callers in the token types' directories, the only code that knows those
fields) gets no token facts: the handle it sees may be another task's
(xfs_btree_split_worker() re-enters the scope with xfs_trans_set_context(), so its calls
are covered and the walk stops). Nor does a function whose address is taken other than
in an ops table's designated initializer: its callers are unknown. A system call, an ops
table or a callback of another shape runs in its caller's task.
Assumed: a function given a handle through an ops table runs in the task that owns it.
"""
import re

from ..collect import lexsites, masking, spatch
from ..collect.words import files_with
from ..core import paths
from . import regions, rulepatterns, unknowns
from .tokentext import block_end, fn_texts, read, read_code, spans_reader, spelled

# what reads its argument's type or value at compile time only: a dereference there is none
UNEVALUATED = {"sizeof", "typeof", "__typeof__", "__typeof", "__alignof__", "__alignof", "_Alignof",
               "alignof", "offsetof", "__builtin_offsetof", "__builtin_constant_p",
               "__builtin_types_compatible_p", "__builtin_choose_expr", "_Generic", "__same_type",
               "BUILD_BUG_ON", "BUILD_BUG_ON_ZERO", "static_assert", "__is_constexpr"}
OPENER = "token:"       # the opener of a token record: token:TAG:PARAM
TIMEOUT_FACTOR = 3      # the token pass's spatch time limit, in --timeout units
WALK_LIMIT = 3000       # functions an ownership walk may visit before it gives up (keep)


def opener_parts(opener):
    """(tag, param) of a token opener, or None."""
    if not opener or not opener.startswith(OPENER):
        return None
    tag, _, param = opener[len(OPENER):].partition(":")
    return tag, param


def _leading_to(graph, site_fns, names):
    """The names among these that are, or may call, a function holding a site."""
    if site_fns is None:
        return None
    seen, todo = set(site_fns), list(site_fns)
    while todo:
        for caller, _f, _l, _c in graph.callers(todo.pop()):
            if caller != "-" and caller not in seen:
                seen.add(caller)
                todo.append(caller)
    return sorted(set(names) & seen)


def live_calls(tree, graph, toks, held, enders, jobs, quiet, timeout, site_fns=None):
    """{file: result} of token_calls.cocci over the files that name a token type (and, for
    the handles in fields, those that dereference a field of held, carriers()'s). The
    calls it looks at are the allocators and those of functions that lead to a site (all
    calls when site_fns is None): a fact about any other call proves nothing."""
    live = {tag: t for tag, t in toks.items() if t["token"]}
    if not live:
        return {}
    tfiles = set().union(*[set(t["files"]) for t in live.values()])
    fderef = re.compile(r"->\s*(?:%s)\s*->" % "|".join(
        sorted({re.escape(f) for fs in held.values() for f in fs}))) if held else None
    cfiles = set()
    if held:  # the files that dereference a handle a parameter's field holds (args->trans->t_mountp)
        hits = files_with(tree, sorted(held))
        cfiles = {rel for rel in set().union(*hits.values()) if fderef.search(read(tree, rel))} if hits else set()
    files = sorted(tfiles | cfiles)
    callees = {f[3] for f in lexsites.graph_records(tree, files) if f[0] == "CALL" and len(f) >= 6}
    maybe = {c for c in callees if not graph.is_function(c)}
    nonfn = sorted((maybe - unknowns.pasted_functions(tree, files, maybe)) | UNEVALUATED)
    targets = _leading_to(graph, site_fns, callees)
    # a body that calls something a fact about could matter for (an allocator, a target) ...
    calls = re.compile(rb"\b(?:%s)\s*\(" % b"|".join(
        [rulepatterns.allocators().pattern.strip("^$").encode()] +
        [re.escape(n.encode()) for n in (targets if targets is not None else callees)]))
    # ... whose header names a token type (struct xfs_trans, or a typedef of it: xfs_trans_t)
    header = masking.word_regex(sorted(set(live) | {a for t in live.values() for a in t["aliases"]}))
    names = {"types": {tag: t["kind"] for tag, t in sorted(live.items())},
             "aliases": {tag: t["aliases"] for tag, t in sorted(live.items()) if t["aliases"]},
             "rf": sorted(enders), "rf_re": rulepatterns.scope_enders().pattern,
             "nonfn": nonfn, "fn": regions.plain_functions(graph, enders), "targets": targets,
             "alloc_re": rulepatterns.allocators().pattern}
    # the refutations walk every path of big functions (fs/xfs/libxfs/xfs_bmap.c): the
    # provider rounds' longer limit
    res, _ = spatch.run_rule(tree, paths.TOKEN_CALLS_RULE, sorted(tfiles), jobs, timeout=timeout * TIMEOUT_FACTOR,
                             quiet=quiet, what="live handles", names=dict(names, carriers={}), by_function=True,
                             keep=lambda hdr, body: bool(header and header.search(hdr) and calls.search(body)))
    if not held or not cfiles:
        return res
    # handles in a field of a parameter, in a pass of their own: the functions given a
    # cursor or an args struct are many and long (xfs_bmap_add_extent_delay_real()), and a
    # time-out there must not cost the handle parameters' facts of the same file
    cheader, bderef = masking.word_regex(list(held)), re.compile(fderef.pattern.encode())
    cres, _ = spatch.run_rule(tree, paths.TOKEN_CALLS_RULE, sorted(cfiles), jobs, timeout=timeout, quiet=quiet,
                              what="handles in fields", names=dict(names, carriers=held, params=False), by_function=True,
                              keep=lambda hdr, body: bool(cheader.search(hdr) and bderef.search(body)
                                                          and calls.search(body)))
    for rel, r in cres.items():
        calls_ = [rec for rec in r["records"] if rec.get("what") == "call"]
        if rel not in res:
            res[rel] = dict(r, records=calls_)
        else:
            res[rel] = spatch.joined(res[rel], r, records=res[rel]["records"] + calls_)
    return res


# The shapes of the functions another task runs: work items, kthreads, timers, RCU and
# completion callbacks, tasklets, interrupt handlers. A function of such a shape whose
# address is taken may run in a task that did not make the handle it finds.
ASYNC_SHAPES = re.compile(
    r"^\s*(?:(?:const\s+)?struct\s+(?:work_struct|delayed_work|rcu_work|kthread_work|timer_list|"
    r"hrtimer|rcu_head|callback_head|irq_work|tasklet_struct|bio)\s*\*\s*\w*|"
    r"void\s*\*\s*\w*|unsigned\s+long\s+\w*|int\s+\w+\s*,\s*void\s*\*\s*\w*|"
    r"void\s*\*\s*\w*\s*,\s*async_cookie_t\s+\w*)\s*$")


def _handle_fields(tree, toks):
    """(fields, names): the fields a handle can be read from (those declared as a pointer
    to a token type, and those declared as a pointer to, or an instance of, a struct that
    holds one: a carrier, xfs_btree_split_worker() reads args->cur, whose bc_tp is the
    handle); and the names whose mention may read one (the globals declared with the
    types, the token types and the carriers)."""
    fields, files, globals_ = set(), set(), set()
    for tag, t in toks.items():
        if not t["token"]:
            continue
        files |= set(t["files"])
        glob = re.compile(r"^(?:static\s+|extern\s+)?%s\s*\*\s*([A-Za-z_]\w*)\s*[;=\[]" % spelled(t), re.M)
        for rel in sorted(t["files"]):
            text = read(tree, rel)
            fields |= set(_pointers(t).findall(text))
            globals_ |= set(glob.findall(text))
    # (the text as written: a struct in a comment counts too, the safe side here)
    carriers = {c for c, _f, _t in _held_fields(tree, toks, read)}
    if carriers:
        held = re.compile(r"\bstruct\s+(?:%s)\s*\**\s*([A-Za-z_]\w*)\s*[;\[]" % "|".join(sorted(carriers)))
        for rel in sorted(files):
            fields |= set(held.findall(read(tree, rel)))
    # the types themselves (a handle cast from a void * payload) and the globals declared
    # with them (read bare, at file scope: a line that starts with the declaration); a field
    # counts only after -> or . (a local named tp is no read of anything)
    names = set(carriers) | globals_ | {w for tag, t in toks.items() if t["token"] for w in [tag] + t["aliases"]}
    return fields, names


def _pointers(t):
    """A declaration of a pointer to the type, its name in group 1 (struct xfs_trans *tp;)."""
    return re.compile(r"%s\s*\*\s*([A-Za-z_]\w*)\s*[;\[]" % spelled(t))


def _held_fields(tree, toks, text_of):
    """(struct C, field, tag) for each field a struct body in the token types' files
    declares as a pointer to a token type, in the text text_of(tree, rel) gives."""
    for tag, t in sorted(toks.items()):
        if not t["token"]:
            continue
        ptr = _pointers(t)
        for rel in sorted(t["files"]):
            text = text_of(tree, rel)
            for m in re.finditer(r"\bstruct\s+(\w+)\s*\{", text):
                for hf in ptr.findall(text, m.end(), block_end(text, m.end() - 1)):
                    yield m.group(1), hf, tag


def carriers(tree, toks):
    """{struct C: {field: tag}}: the structs that hold a handle in a field declared as a
    pointer to a token type (struct xfs_btree_cur's bc_tp, struct xfs_da_args's trans), read
    in the token types' files, comments aside. A field declared with two types, or a struct
    whose handles hold scopes of two kinds, is left out."""
    out, bad = {}, set()
    for c, hf, tag in _held_fields(tree, toks, read_code):
        if out.setdefault(c, {}).setdefault(hf, tag) != tag:
            bad.add(c)
    for c, fields in out.items():
        if len({toks[tag]["kind"] for tag in fields.values()}) > 1:
            bad.add(c)
    return {c: f for c, f in sorted(out.items()) if c not in bad}


def carrier_takers(tree, held, site_fns):
    """{(file, function): (param, struct)}: the functions holding a site whose parameter
    list declares a pointer to a struct that holds a handle (held: carriers(); xfs_da_state_alloc(struct
    xfs_da_args *args)): a site there that runs both inside and outside a transaction is a
    GFP_KERNEL | __GFP_NOLOCKDEP candidate, as one in a function given the handle itself."""
    if not held:
        return {}
    decl = re.compile(r"\bstruct\s+(%s)\s*\*\s*([A-Za-z_]\w*)\s*[,)]" % "|".join(map(re.escape, held)))
    spans, out = spans_reader(tree), {}
    for rel, fn in sorted(site_fns):
        for a, _b in spans(rel).get(fn) or ():
            header = read_code(tree, rel).split("\n")[a - 1:a + 15]
            m = decl.search("\n".join(header).split("{", 1)[0])
            if m:
                out[(rel, fn)] = (m.group(2), m.group(1))
    return out


def _async_reader(tree, graph, toks, takers=()):
    """async_entry(name): another task may run name with a handle it read from memory:
    name's address is taken, its only definition has the shape of a function another task
    runs (ASYNC_SHAPES) and its body reads a field a handle can be read from
    (_handle_fields), in one of its function definitions; a name with none (a macro, a
    name defined nowhere) counts when its address is taken (the safe side)."""
    spans, memo = spans_reader(tree), {}
    fields, names = _handle_fields(tree, toks)
    words = [r"(?:->|\.)\s*%s\b" % re.escape(f) for f in sorted(fields)] + \
        [r"\b%s\b" % re.escape(n) for n in sorted(names)]
    # calling a function that takes a handle passes it one (a void * payload: job->priv)
    words += [r"\b%s\s*\(" % re.escape(n) for n in sorted(takers)]
    reads = re.compile("|".join(words)) if words else None

    def async_entry(name):
        if name not in graph.refs:
            return False
        if name not in memo:
            texts = fn_texts(tree, graph, name, spans)
            heads = [re.search(r"\b%s\s*\(([^)]*)\)" % re.escape(name), t) for t in texts]
            memo[name] = not texts or any(
                m is None or (ASYNC_SHAPES.match(m.group(1)) is not None and
                              reads is not None and reads.search(t) is not None)
                for m, t in zip(heads, texts))
        return memo[name]
    return async_entry


def _areas(toks):
    """The directories the token types live in (fs/xfs): a handle is read only by code
    that knows its type's fields, so the ownership walk stays there."""
    return {"/".join(f.split("/")[:2]) for t in toks.values() if t["token"] for f in t["files"]
            if not f.startswith("include/")}


def owned(tree, graph, toks, results, covered):
    """Drop the token facts of functions a task entry may reach by uncovered calls (in place).

    covered: the positions of calls a scope (not a token) covers. Returns ({node: why} for
    the functions whose facts were dropped, {node: ops member} for those kept whose callers
    include calls through an ops table: their proof assumes the table runs in the task that
    owns the handle)."""
    memo, dropped, assumed = {}, {}, {}
    takers = {rec["caller"] for r in results.values() for rec in r["records"] if rec.get("what") == "param"}
    reader = _async_reader(tree, graph, toks, takers)
    # a function a stop's caller hands the stopped handle to (xfs_trans_free_dqinfo(tp))
    stopped = {n for t in toks.values() if t["token"] for n in t.get("after_stop") or ()}

    def async_entry(name):
        return name in stopped or reader(name)
    async_entry.stopped = stopped
    areas = _areas(toks)
    for rel, r in results.items():
        keep = []
        for rec in r["records"]:
            if rec.get("what") != "call":
                keep.append(rec)
                continue
            fn = graph.node(rec["caller"], rec["file"])
            if fn not in memo:
                name = fn.partition("@")[0]
                memo[fn] = ((f"{name}()'s address is taken outside an ops table, so its callers "
                             "(and whose handle they pass) cannot be seen", None)
                            if name in graph.plain_refs else
                            _entry_reaching(graph, fn, covered, async_entry, areas))
            why, via = memo[fn]
            if why:
                dropped[fn] = why
            else:
                keep.append(rec)
                if via:
                    assumed[fn] = via
        r["records"] = keep
    return dropped, assumed


def _entry_reaching(graph, start, covered, async_entry, areas):
    """(why start may run in a task that did not make its handle, or None: a work item, a
    kthread, a callback that reads a handle from memory reaches it by calls no scope
    covers, within the token types' directories; the first ops-table field the walk went
    through, or None)."""
    seen, todo, via = {start}, [start], None
    while todo:
        fn = todo.pop()
        name = fn.partition("@")[0]
        if async_entry(name):
            if name in async_entry.stopped:
                return f"{name}() is handed a handle whose scope was stopped", via
            holder, file, _line = graph.refs.get(name, ("-", "?", 0))
            return f"{name}() may run in another task (its address is taken in {file})", via
        callers = [(c, (f, l, k)) for c, f, l, k in graph.node_callers(fn)]
        for member in sorted(graph.ops_member_of.get(name, ())):
            via = via or f"{name}() as ->{member}()"
            callers += [(c, None) for c in sorted(graph.icalls.get(member, ()))]
        for caller, pos in callers:
            if pos and pos[1] and pos in covered:
                continue  # a scope of the caller's own covers this call
            if not any(_area_of(f) in areas for f in graph.def_files.get(caller.partition("@")[0], ())):
                continue  # code that cannot read the handle's fields
            if caller not in seen and caller != "-":
                seen.add(caller)
                todo.append(caller)
                if len(seen) > WALK_LIMIT:
                    return f"{start.partition('@')[0]}() has more callers than the ownership walk follows", via
    return None, via


def _area_of(path):
    return "/".join(path.split("/")[:2])


def label(rec, toks):
    """The evidence for a call a live handle covers."""
    tag, param = opener_parts(rec["opener"])
    t = toks.get(tag, {})
    seeds = ", ".join(f"{s}()" for s in t.get("seeds", ()))
    stops = "/".join(f"{s['fn']}()" for s in t.get("stops", ()))
    stops += " restore it" if len(t.get("stops", ())) > 1 else " restores it"
    where = (f"{param} dereferenced at line {rec['save_line']}" if rec.get("how") == "deref" else
             f"{param} dereferenced on every path (first at line {rec['save_line']})")
    if t.get("assumed"):
        return f"{where}: a live struct {tag} would hold a nofs scope (assumed by whatif; {stops})"
    guard = t.get("guard")
    real = (f"; dereferenced, it is no made-up handle: those are numbers below {guard['bound']}, as "
            f"{guard['fn']}() tests" if guard else "")
    return (f"{where}: a live struct {tag} holds the {t.get('kind', 'nofs')} scope ({seeds} saves it in "
            f"{param}->{t.get('field')}; {stops}{real})")


def params(results):
    """{(file, function): [(param, tag)]} of the functions with a parameter of a token type."""
    out = {}
    for r in results.values():
        for rec in r["records"]:
            if rec.get("what") == "param":
                out.setdefault((rec["file"], rec["caller"]), []).append((rec["param"], rec["type"]))
    return out


def as_json(toks, dropped, assumed):
    """What providers.json says of the token types."""
    out = {}
    for tag, t in sorted(toks.items()):
        out[tag] = {k: t.get(k) for k in ("token", "why", "kind", "field", "seeds", "aliases", "handovers",
                                          "creators", "stops", "guard", "made_up")}
        out[tag]["after_stop"] = sorted(t.get("after_stop") or ())
    return {"types": out, "foreign": dict(sorted(dropped.items())), "ops_assumed": dict(sorted(assumed.items()))}

