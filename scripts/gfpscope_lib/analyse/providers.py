"""Step 3c, providers: functions that open a scope for their caller, found without configuration.

The seeds are the facts of cocci/gfp_scope_provider.cocci (run with -D facts):
a save whose cookie is stored in a struct field or returned
(start_this_handle, xfs_trans_set_context, fsnotify_group_lock,
cifs_server_lock, ext4_writepages_down_read, ...), and the functions that
restore such a cookie (the stops). A seed becomes a start only when the
proof says so: every return that reports success is inside the scope (the
scoped-calls rule's copy for return statements), or, for a void function,
no path reaches its end outside the scope. Then, round by round, each caller
of a start is tried the same way (upward propagation): jbd2__journal_start
is a start because start_this_handle is one; __ext4_journal_start_sb is not,
because it returns ext4_get_nojournal()'s handle with no scope when the file
system has no journal. A macro whose body calls one start and nothing else
is that start.

Shapes: "plain" starts cannot fail; "ptr" starts return a handle or an
ERR_PTR/NULL; "int" starts return 0 or an error. The scoped-calls rule
counts a checked start only after its result is tested (regions.py).

Stops: the seeds' restores and everything that may call one (upward, over
the call graph), except the starts: a call to such a function may end a
scope its caller holds, so the proof treats it as the end of the region.

Providers can also be declared by the user (cocci/providers.conf, or
--providers FILE): START STOP[,STOP...] SHAPE KIND, one per line, for file
systems whose scope the discovery cannot see. Their proofs have moderate
confidence: they rest on the declaration.
"""
import os
import re

from ..collect import loops, masking, spatch
from . import regions, unknowns
from ..core import paths
from ..core.errors import GfpError

API_FILE = "include/linux/sched/mm.h"   # the memalloc API itself, not a provider
DEFAULT_CONF = paths.PROVIDERS_CONF
MAX_ROUNDS = 8
ROUND_TIMEOUT_FACTOR = 3

RESTORES = ("memalloc_nofs_restore", "memalloc_noio_restore")
SHAPES = ("plain", "ptr", "int")
NOT_A_FUNCTION = "something_else"  # spatch's current_element outside a function (a #define body)


class Providers:
    def __init__(self):
        self.starts = {}     # name -> {"kind", "shape", "how", "via", "declared"}
        self.stops = set()   # seed stops (restore a cookie opened elsewhere)
        self.may_end = set() # stops and everything that may call one, starts excepted
        self.tried = set()
        self.rounds = 0
        self.failed = []     # files a round could not analyse: their functions stay unproven
        self.unresolved = set()  # names called in analysed files and defined nowhere (unknowns.py)
        self.tokens = None   # the token types and the functions left out (tokens.as_json)
        self.assumed_tokens = {}  # whatif --token: {struct tag: [stops]}, taken as tokens

    def end_scopes(self, graph, balanced=()):
        """may_end: the stops and every function that may call one, the starts excepted; a
        balanced function's calls to a stop close its own scopes (ownends.py)."""
        self.may_end = _closure_up(graph, self.stops, set(self.starts), balanced)

    def by_shape(self, shape):
        return sorted(n for n, s in self.starts.items() if s["shape"] == shape)

    def rule_names(self, enders, graph, wraps=None):
        """The scoped-calls rule's name lists for these starts and scope-ending calls, which of
        them are plain functions (graph), and the wrapper macros (wrappers.rule_data) for the
        region pass."""
        return regions.names(self.by_shape("plain"), self.by_shape("ptr"), self.by_shape("int"), enders, wraps,
                             regions.plain_functions(graph, enders))

    def rule_defines(self, returns=False, wraps=()):
        """The scoped-calls rule's defines and variants (regions.defines) for these starts."""
        return regions.defines(self.by_shape("ptr") + self.by_shape("int"), returns=returns, wraps=wraps)

    def label(self, name):
        """How a start opens its scope, for the evidence: start_this_handle (handle->saved_alloc_context)."""
        s = self.starts.get(name)
        if not s:
            return None
        via = " <- ".join(s["via"])
        return f"{via} ({s['how']})" if via else s["how"]

    def as_json(self):
        return {"starts": {n: dict(s) for n, s in sorted(self.starts.items())},
                "stops": sorted(self.stops), "may_end": len(self.may_end), "rounds": self.rounds,
                "unresolved": sorted(self.unresolved),
                **({"tokens": self.tokens} if self.tokens is not None else {})}


def from_data(data):
    """The providers a scan found, from OUT/providers.json as core/readback.providers read and
    checked it, for whatif."""
    p = Providers()
    p.starts = {n: dict(s) for n, s in data["starts"].items()}
    p.stops = set(data["stops"])
    return p


def seeds(findings, tree):
    """(candidate starts {name: (kind, how)}, stops) from gfp_scope_provider's facts.

    A start saves a nofs/noio cookie and stores it in a field or returns it; a stop restores
    a nofs/noio cookie it did not save, or clears PF_MEMALLOC_* in current->flags. spatch
    matches #define bodies as code and names their "function" something_else: there the
    #define itself is the stop (unknowns.macro_at), so every call of the macro ends a region.
    """
    starts, stops = {}, set()
    for f in findings:
        fact = f.get("fact") or {}
        if f["kind"] != "provider" or f["file"] == API_FILE:
            continue
        role, fn = fact.get("provider"), fact.get("fn")
        if role == "start" and fact.get("save") in regions.SAVES and fn != NOT_A_FUNCTION and \
                (fact.get("returned") or fact.get("field")):
            starts[fn] = (fact["save"].split("_")[1], "returns the cookie" if fact.get("returned")
                          else fact["field"])
        if role == "stop" and (fact.get("clears") or fact.get("restore") in RESTORES):
            if fn == NOT_A_FUNCTION:
                fn = unknowns.macro_at(tree, f["file"], f["line"])
            if fn:
                stops.add(fn)
    return starts, stops


def read_conf(path):
    """User-declared providers: START STOP[,STOP...] SHAPE KIND per line; # comments."""
    out = []
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.readlines()
    except OSError as e:
        raise GfpError(f"cannot read providers file {path}: {e.strerror}")
    for n, line in enumerate(lines, 1):
        line = line.split("#", 1)[0].split()
        if not line:
            continue
        ok = (len(line) == 4 and line[2] in SHAPES and line[3] in ("nofs", "noio") and
              all(re.fullmatch(r"[A-Za-z_]\w*", x) for x in [line[0]] + line[1].split(",")))
        if not ok:
            raise GfpError(f"{path}:{n}: expected 'START STOP[,STOP...] SHAPE KIND' with SHAPE one of "
                           f"{', '.join(SHAPES)} and KIND nofs or noio")
        out.append((line[0], line[1].split(","), line[2], line[3]))
    return out


def _area(path):
    """fs/xfs, drivers/md, include/linux: where a function lives, for _closure_up."""
    return "/".join(path.split("/")[:2]) if path else None


def _closure_up(graph, names, stop_at, balanced=()):
    """names and the functions that may call one of them, in the same part of the tree.

    A stop ends a scope through a handle or cookie its caller hands it. The
    direct callers of a stop may be anywhere (ext4 calls jbd2_journal_stop);
    above them the walk stays in the caller's directory (fs/ext4), because
    the lexical graph merges functions by name, and an unbounded walk through
    common names (release, open, ...) reaches the whole tree (545,260 names
    on 6.12), which would end every scope and prove nothing. Indirect calls
    are not followed at all (see the README's limits).
    """
    seen, todo = set(names), [(n, None) for n in names]
    direct = set(names)
    while todo:
        fn, area = todo.pop()
        for caller, file, _l, _c in graph.callers(fn):
            if caller == "-" or caller in seen or caller in stop_at:
                continue
            if fn in direct and caller in balanced:
                continue  # its calls to the stop close scopes it opened itself
            here = _area(file)
            if area is not None and here != area:
                continue
            seen.add(caller)
            todo.append((caller, here))
    return seen


def _verdict(fn, facts, starts, kind):
    """Is fn a start, judged from its returns? (shape, kinds, via) or None.

    kind: the kind of the scope fn is suspected to open (its seed's, or the
    start it calls), for a void function, whose end has no return to see.
    """
    f = facts.get(fn)
    if not f:
        return None
    if f["void"]:
        return None if f["voidmiss"] else ("plain", {kind}, None)
    # the shape is the declared return type's: in a function returning a pointer only
    # ERR_PTR/NULL/an IS_ERR pointer is a failure (`if (p) return p;` is jbd2__journal_start's
    # nested-handle success); in one returning an int only -E, an error just tested, or
    # PTR_ERR() is. An int wrapper of a pointer start (`if (IS_ERR(tp)) return PTR_ERR(tp);
    # *tpp = tp; return 0;`) is therefore int-shaped: its callers test `if (error)`
    ptr = f["ptrret"]
    fails = {k for k, types in f["fail"].items() if ("ptr" if ptr else "int") in types}
    succ = [k for k in f["any"] if k not in fails]
    if not succ:
        return None
    via = None
    for k in succ:
        if k in f["covered"]:
            continue
        callee = f["tail"].get(k)
        if callee in regions.SAVES:   # returns the cookie: ext4_writepages_down_read
            f["openers"].add(callee.split("_")[1])
            continue
        if callee in starts and starts[callee]["shape"] in ("plain", "ptr" if ptr else "int"):
            via = via or callee
            continue
        return None
    if ptr:
        shape = "ptr"
    elif fails:
        shape = "int"
    elif via:
        shape = starts[via]["shape"]
    else:
        shape = "plain"
    return shape, f["openers"] | ({starts[via]["kind"]} if via else set()), via


def _collect(results):
    """Per function: its returns, which are failures, which are covered, what it opens."""
    facts = {}

    def fn(rec, name):
        return facts.setdefault(name, {"any": set(), "fail": {}, "covered": set(), "tail": {},
                                       "void": False, "voidmiss": False, "ptrret": False, "openers": set(),
                                       "scopes": set()})
    for r in results.values():
        for rec in r["records"]:
            t = rec.get("t")
            if t == "ret":
                k = (rec["line"], rec["col"])
                d = fn(rec, rec["fn"])
                if rec["how"] == "any":
                    d["any"].add(k)
                elif rec["how"] == "fail":
                    d["fail"].setdefault(k, set()).add(rec.get("type", "int"))
                else:
                    d["tail"][k] = rec["callee"]
            elif t == "scall" and rec.get("what") == "return":
                d = fn(rec, rec["caller"])
                d["covered"].add((rec["line"], rec["col"]))
                d["scopes"].add(rec["opener"])
            elif t == "scall":
                fn(rec, rec["caller"])["scopes"].add(rec["opener"])
            elif t == "voidmiss":
                fn(rec, rec["fn"])["voidmiss"] = True
            elif t == "voidfn":
                fn(rec, rec["fn"])["void"] = True
            elif t == "ptrfn":
                fn(rec, rec["fn"])["ptrret"] = True
    return facts


def discover(tree, findings, graph, jobs, quiet, timeout, conf=None):
    """The tree's providers: seeds proven, then their callers, round by round."""
    p = Providers()
    cands, p.stops = seeds(findings, tree)
    declared = read_conf(conf) if conf else []
    for start, stops, shape, kind in declared:
        p.starts[start] = {"kind": kind, "shape": shape, "how": "declared in " + os.path.basename(conf),
                           "via": [], "declared": True}
        p.stops.update(stops)
    seed_info = dict(cands)
    todo, origin = set(cands), {}
    while todo and p.rounds < MAX_ROUNDS:
        p.rounds += 1
        p.tried |= todo
        files = sorted({f for fn in todo for f in graph.def_files.get(fn, ())})
        # what may end a scope, starts and the functions being tried excepted: a start
        # calls a stop on its failure paths (xfs_trans_alloc cancels), which its callers
        # never see as the end of their scope
        ending = _closure_up(graph, p.stops, set(cands) | set(p.starts) | todo)
        # a call the analysis cannot resolve may end the scope too (unknowns.py)
        p.unresolved |= unknowns.unresolved(tree, graph, files, unknowns.harmful(graph, ending | p.stops))
        ending |= p.unresolved
        defines, variants = p.rule_defines(returns=True)
        # the return-statement proof doubles the work in the files that define
        # providers (jbd2's transaction.c takes 40-50 s alone): give it more time.
        # A round asks about the functions it tries: the other bodies are blanked
        res, _ = spatch.run_rule(tree, regions.RULE, files, jobs, timeout=ROUND_TIMEOUT_FACTOR * timeout,
                                 quiet=quiet, what=f"providers, round {p.rounds}",
                                 keep=masking.words_keeper(header_words=todo), defines=defines,
                                 variants=variants, names=p.rule_names(ending, graph),
                                 transform=lambda d: loops.rewrite(d, graph.is_function))
        p.failed += [{"rule": "providers", "file": rel, "status": r["status"], "detail": r["detail"]}
                     for rel, r in sorted(res.items()) if r["status"] != "ok"]
        facts = _collect(res)
        for fn in facts:
            facts[fn]["openers"] = {_opener_kind(o, p.starts) for o in facts[fn]["scopes"]} - {None}
        new = []
        for fn in sorted(todo):
            v = _verdict(fn, facts, p.starts, seed_info[fn][0] if fn in seed_info else origin.get(fn, "nofs"))
            if v and v[1]:
                shape, kinds, via = v
                kind = "nofs" if "nofs" in kinds else "noio"
                if fn in seed_info:
                    how, chain = seed_info[fn][1], []
                else:
                    opener = via or _main_opener(facts[fn]["scopes"], p.starts)
                    how = p.starts[opener]["how"] if opener in p.starts else opener
                    chain = [opener] + p.starts[opener]["via"] if opener in p.starts else [opener]
                p.starts[fn] = {"kind": kind, "shape": shape, "how": how, "via": chain, "declared": False}
                new.append(fn)
        # macros whose body calls exactly one start: the macro is that start
        for m, callees in graph.macro_callees.items():
            if m not in p.starts and len(callees) == 1:
                (c,) = callees
                if c in p.starts and c in new:
                    s = p.starts[c]
                    p.starts[m] = dict(s, via=[c] + s["via"])
                    new.append(m)
        todo = set()
        for fn in new:
            for caller, _f, _l, _c in graph.callers(fn):
                if caller != "-" and caller not in p.tried and caller in graph.defined and caller not in graph.macros:
                    todo.add(caller)
                    origin.setdefault(caller, p.starts[fn]["kind"])
    p.end_scopes(graph)
    return p


def _opener_kind(opener, starts):
    if opener in ("memalloc_noio_save", "PF_MEMALLOC_NOIO", "memalloc_flags_save(PF_MEMALLOC_NOIO)"):
        return "noio"
    if opener in ("memalloc_nofs_save", "PF_MEMALLOC_NOFS", "memalloc_flags_save(PF_MEMALLOC_NOFS)"):
        return "nofs"
    s = starts.get(opener)
    return s["kind"] if s else None


def _main_opener(scopes, starts):
    known = sorted(o for o in scopes if o in starts)
    return known[0] if known else sorted(scopes)[0]


def kind_of(opener, p):
    """nofs or noio for the opener named in a scoped-calls record."""
    return _opener_kind(opener, p.starts) or "nofs"


def known_kind(opener, p):
    """The bit the opener sets, "nofs" or "noio"; None when the opener is not known."""
    return _opener_kind(opener, p.starts)
