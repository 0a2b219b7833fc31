"""Step 3d, tokens: a live transaction handle means its task is in the handle's scope.

Maintainers prove "pure transaction context" from the handle a function is given,
not from its callers: xfs_trans_alloc() saves the nofs cookie in tp->t_pflags and
xfs_trans_commit()/cancel() restore it when the transaction is freed, so while a
struct xfs_trans is live, its task runs in a nofs scope.

A struct type is a scope token when (types()):
  - a proven start (a seed of providers.py, no "via") saves its cookie in a field of
    an object of the type (tp->t_pflags, handle->saved_alloc_context);
  - every object of the type is created by an allocation that, on every path, is
    handed to that start or to a handover, a function that moves another object's
    cookie into it (xfs_trans_dup() -> xfs_trans_switch_context());
    cocci/facts/token_types.cocci finds the creations. No function returns a new
    object it did not open (jbd2_alloc_handle() does: handle_t is no token), there
    is no instance that is not a pointer, and no cast makes a pointer of the type
    out of something else (ext4_get_nojournal()'s fake handle_t);
  - no function restores an older cookie while a handle it started is live (text order);
  - every stop (a seed stop that restores from the field) ends the object's life:
    each caller frees the object after the stop, or opened that scope itself (a
    balanced function, ownends.py); with a handover, the stop restores only under a
    test of the handle (xfs_trans_clear_context(): current->journal_info == tp), so
    freeing the object a cookie moved away from ends nothing.
Anything else, and the type is not a token: its reason is in providers.json.

Where a token is live (cocci/facts/token_calls.cocci): a parameter of a token type,
dereferenced before a call on every path (or on every path through the function),
with no scope-ending call between. Those calls are covered calls, as a save's are.

Whose handle (owned()): a handle covers its own task only. A work item, a kthread, a
timer or a completion callback runs in another task: a function whose address is taken
and whose parameters have such a shape (ASYNC_SHAPES: a struct work_struct *, a void *
alone, ...). Such an entry can get another task's handle only from memory: it reads a
field that holds a handle or a struct that holds one (args->cur, cur->bc_tp). A function
that such an entry can reach by calls no scope covers (ops tables resolved by field
name; callers in the token types' directories, the only code that knows those fields)
gets no token facts: the handle it sees may be another task's (xfs_btree_split_worker()
re-enters the scope with xfs_trans_set_context(), so its calls are covered and the walk
stops). A system call, an ops table or a callback of another shape runs in its caller's
task.
Assumed: a function given a handle through an ops table runs in the task that owns it.
"""
import re

from ..collect import lexsites, masking, spatch
from ..collect.words import files_with
from ..core import paths
from . import rulepatterns, unknowns

FIELD = re.compile(r"^([A-Za-z_]\w*)->([A-Za-z_]\w*)$")
OPENER = "token:"       # the opener of a token record: token:TAG:PARAM
WALK_LIMIT = 3000       # functions an ownership walk may visit before it gives up (keep)


def opener_parts(opener):
    """(tag, param) of a token opener, or None."""
    if not opener or not opener.startswith(OPENER):
        return None
    tag, _, param = opener[len(OPENER):].partition(":")
    return tag, param


def _fn_text(tree, graph, name, spans):
    """The text of name's only definition (None when it has none or several)."""
    files = graph.def_files.get(name, set())
    if len(files) != 1:
        return None
    (rel,) = files
    got = spans(rel).get(name)
    if not got or len(got) != 1:
        return None
    try:
        with open(tree.abspath(rel), "rb") as f:
            lines = f.read().split(b"\n")
    except OSError:
        return None
    a, b = got[0]
    return b"\n".join(lines[a - 1:b]).decode("latin-1")


def _fn_texts(tree, graph, name, spans):
    """The text of every function definition of name (a #define of it is no definition)."""
    out = []
    for rel in sorted(graph.def_files.get(name, ())):
        got = spans(rel).get(name) or []
        if got:
            lines = _read(tree, rel).split("\n")
            out += ["\n".join(lines[a - 1:b]) for a, b in got]
    return out


def _spans_reader(tree):
    cache = {}

    def spans(rel):
        if rel not in cache:
            out = {}
            for f in lexsites.graph_records(tree, [rel]):
                if f[0] == "FN" and len(f) >= 7:
                    out.setdefault(f[2], []).append((int(f[5]), int(f[6])))
            cache[rel] = out
        return cache[rel]
    return spans


def _typedef_of(tree, name):
    """The struct tag a typedef names (typedef struct tag name;), or None."""
    pat = r"typedef[[:space:]]+struct[[:space:]]+[A-Za-z_0-9]+[[:space:]]+%s[[:space:]]*;" % name
    hits = files_with(tree, [pat])
    for rel in sorted(set().union(*hits.values())) if hits else ():
        with open(tree.abspath(rel), encoding="latin-1") as f:
            m = re.search(r"typedef\s+struct\s+(\w+)\s+%s\s*;" % re.escape(name), f.read())
        if m:
            return m.group(1)
    return None


def candidates(tree, graph, prov, spans):
    """{tag: type record} for the seeds that save their cookie in a field of a struct."""
    out = {}
    for fn, s in sorted(prov.starts.items()):
        m = FIELD.match(s.get("how") or "")
        if s.get("via") or s.get("declared") or not m:
            continue
        var, field = m.groups()
        text = _fn_text(tree, graph, fn, spans) or ""
        d = re.search(r"\bstruct\s+(\w+)\s*\*\s*%s\b" % re.escape(var), text)
        tag, alias = (d.group(1), None) if d else (None, None)
        if not d:
            t = re.search(r"\b([A-Za-z_]\w*)\s*\*\s*%s\s*[,)]" % re.escape(var), text)
            if t:
                alias, tag = t.group(1), _typedef_of(tree, t.group(1))
        if not tag:
            continue
        rec = out.setdefault(tag, {"tag": tag, "kind": s["kind"], "field": field, "seeds": [],
                                   "aliases": [], "token": False, "why": None})
        rec["seeds"].append(fn)
        if alias and alias not in rec["aliases"]:
            rec["aliases"].append(alias)
    return out


def _words(t):
    return [t["tag"]] + t["aliases"]


def _check_creations(t, records, handovers):
    """Why the type's objects are not all created opened, or None."""
    alloc = rulepatterns.allocators()
    raw = {r["fn"] for r in records if r["t"] == "returns" and alloc.match(r["callee"])}
    while True:  # a function returning another raw producer's result is one too
        more = {r["fn"] for r in records if r["t"] == "returns" and r["callee"] in raw} - raw
        if not more:
            break
        raw |= more
    if raw:
        fn = sorted(raw)[0]
        return f"{fn}() returns a new struct {t['tag']} without opening the scope"
    opened = {}
    for r in records:
        if r["t"] == "opened":
            opened.setdefault((r["file"], r["line"], r["col"]), set()).add(r["by"])
    openers = set(t["seeds"]) | set(handovers)
    t["creators"] = []
    for r in records:
        if r["t"] != "create" or not (alloc.match(r["callee"]) or r["callee"] in raw):
            continue
        by = opened.get((r["file"], r["line"], r["col"]), set()) & openers
        if not by:
            return (f"{r['fn']}() ({r['file']}:{r['line']}) creates a struct {t['tag']} with "
                    f"{r['callee']}() and does not open the scope into it on every path")
        t["creators"].append({"fn": r["fn"], "file": r["file"], "line": r["line"], "opens": sorted(by)})
    if not t["creators"]:
        return f"no creation of a struct {t['tag']} was found"
    return None


def _instances(tree, t, files):
    """Why some object of the type is not made by an allocation, or None: an instance that
    is not a pointer (a local, a global, a member) or a cast to a pointer of the type."""
    names = [r"struct\s+%s" % re.escape(t["tag"])] + [re.escape(a) for a in t["aliases"]]
    inst = re.compile(r"\b(?:%s)\s+(?!\*)[A-Za-z_]\w*\s*[;=\[,)]" % "|".join(names))
    # a cast is followed by its operand; "(struct x *);" is a prototype's only parameter
    cast = re.compile(r"\(\s*(?:%s)\s*\*\s*\)\s*[\w(&*~!-]" % "|".join(names))
    for rel in sorted(files):
        try:
            with open(tree.abspath(rel), encoding="latin-1") as f:
                text = f.read()
        except OSError:
            return f"{rel} is unreadable"
        text = re.sub(r"/\*.*?\*/|//[^\n]*", " ", text, flags=re.S)
        for pat, what in ((inst, "an instance that is not a pointer"), (cast, "a cast to a pointer of the type")):
            m = pat.search(text)
            if m:
                line = text.count("\n", 0, m.start()) + 1
                return f"{rel}:{line}: {what} ({' '.join(m.group(0).split())})"
    return None


def _never_opened(tree, t, files, spans):
    """Why the type is no token, read from the text alone, or None: a function declares a
    pointer of the type, assigns it an allocator's result and calls no seed or handover at
    all (cifs_get_tcp_session()'s struct TCP_Server_Info)."""
    names = [r"struct\s+%s" % re.escape(t["tag"])] + [re.escape(a) for a in t["aliases"]]
    decl = re.compile(r"\b(?:%s)\s*\*\s*([A-Za-z_]\w*)" % "|".join(names))
    alloc = rulepatterns.allocators().pattern.strip("^$")
    openers = set(t["seeds"]) | set(t["handovers"])
    opens = re.compile(r"\b(?:%s)\s*\(" % "|".join(map(re.escape, sorted(openers))))
    for rel in files:
        try:
            with open(tree.abspath(rel), "rb") as f:
                lines = f.read().decode("latin-1").split("\n")
        except OSError:
            continue
        for fn, ss in sorted(spans(rel).items()):
            for a, b in ss:
                body = "\n".join(lines[a - 1:b])
                for var in set(decl.findall(body)):
                    m = re.search(r"\b%s\s*=\s*(%s)\s*\(" % (re.escape(var), alloc), body)
                    if m and not opens.search(body):
                        line = a + body.count("\n", 0, m.start())
                        return (f"{fn}() ({rel}:{line}) creates a struct {t['tag']} with {m.group(1)}() and "
                                "never opens the scope into it")
    return None


def _creation_keeper(t, producers):
    """keep(header, body) for token_types.cocci: the bodies that can create an object of
    the type (they name it and call an allocator or a producer), and the functions that
    return it (their header names it)."""
    words = masking.word_regex(_words(t))
    calls = re.compile(rb"\b(?:%s)\s*\(" % b"|".join(
        [rulepatterns.allocators().pattern.strip("^$").encode()] + [re.escape(p.encode()) for p in producers]))

    def keep(header, body):
        return bool(words.search(header) or (words.search(body) and calls.search(body)))
    return keep


def _producers(tree, t, files):
    """The functions declared to return a pointer of the type (they may hand out a new one)."""
    names = [r"struct\s+%s" % re.escape(t["tag"])] + [re.escape(a) for a in t["aliases"]]
    pat = re.compile(r"\b(?:%s)\s*\*\s*([A-Za-z_]\w*)\s*\(" % "|".join(names))
    out = set()
    for rel in files:
        with open(tree.abspath(rel), encoding="latin-1") as f:
            out |= set(pat.findall(f.read()))
    return sorted(out)


def _handovers(tree, graph, t, files, spans):
    """Functions that move one object's cookie into another: a->field = b->field."""
    pat = re.compile(r"\b\w+->%s\s*=\s*\w+->%s\s*;" % ((re.escape(t["field"]),) * 2))
    out = set()
    for rel in sorted(files):
        with open(tree.abspath(rel), encoding="latin-1") as f:
            text = f.read()
        for m in pat.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            out |= {n for n, ss in spans(rel).items() for a, b in ss if a <= line <= b}
    return out


def _check_stops(tree, graph, t, prov, balanced, spans):
    """Why a stop may end a token's scope while the token lives on, or None."""
    t["stops"] = []
    field = re.compile(r"->\s*%s\b" % re.escape(t["field"]))
    for stop in sorted(prov.stops):
        text = _fn_text(tree, graph, stop, spans)
        if text is None or not field.search(text):
            continue
        if t.get("handovers"):
            head = text.split("restore", 1)[0]
            if not re.search(r"\bif\s*\(", head):
                return (f"{stop}() restores the cookie unconditionally, but a handover moves cookies "
                        "between objects: freeing the old one would end the new one's scope")
        callers = []
        for caller, _f, _l, _c in graph.callers(stop):
            if caller in balanced:
                callers.append(f"{caller} (opened it itself)")
                continue
            ctext = _fn_text(tree, graph, caller, spans) or ""
            m = re.search(r"\b%s\s*\(([^;]*?)\)\s*;" % re.escape(stop), ctext)
            arg = m.group(1).strip() if m else None
            after = ctext[m.end():] if m else ""
            if arg and _reenters(ctext, t["seeds"], stop, arg):
                callers.append(f"{caller} (re-entered it with {_names(t['seeds'])})")
                continue
            if not arg or not re.search(r"\b\w*free\w*\s*\([^;]*(?<![\w>.])%s\b" % re.escape(arg), after):
                return (f"{caller}() calls {stop}() and neither frees the handle after it nor opened "
                        "the scope itself: a handle may outlive its scope")
            callers.append(f"{caller} (frees it)")
        t["stops"].append({"fn": stop, "callers": sorted(set(callers))})
    if not t["stops"]:
        return f"no stop restores the cookie from ->{t['field']}"
    return None


def _names(fns):
    return "/".join(f"{f}()" for f in fns)


def _reenters(text, seeds, stop, arg):
    """The function opens the scope into the same handle itself, then stops it: both calls
    are statements of the body's top level (one tab in), the seed's first, and each is the
    only one. Its stop restores what its own seed saved (xfs_btree_split_worker())."""
    def top(name):
        return re.findall(r"^\t%s\s*\(\s*%s\s*\)\s*;" % (re.escape(name), re.escape(arg)), text, re.M)
    calls = [m for seed in seeds for m in re.finditer(r"\b%s\s*\(" % re.escape(seed), text)]
    stops = list(re.finditer(r"\b%s\s*\(" % re.escape(stop), text))
    return (len(calls) == 1 and len(stops) == 1 and calls[0].start() < stops[0].start() and
            any(top(seed) for seed in seeds) and bool(top(stop)))


_RESTORE = re.compile(r"\b(?:memalloc_\w+_restore|current_restore_flags\w*)\s*\(|"
                      r"\bcurrent\s*->\s*flags\s*(?:=|&=|\^=)")


def _check_interleaving(tree, graph, t, prov, spans):
    """Why a function may restore an older cookie while a handle it started is live, or None.

    A restore puts back the flags of its save: `c = memalloc_nofs_save(); start(&tp);
    memalloc_nofs_restore(c);` ends the scope with tp still live. Read in text order: in a
    function that calls a start of the type, no restore (or write to current->flags) may
    come after a start unless a stop or may-end call of the handle comes between."""
    starts = {n for n, s in prov.starts.items()
              if set(t["seeds"]) & ({n} | set(s.get("via") or ()))}
    ends = set(prov.may_end) | {st["fn"] for st in t.get("stops") or ()}
    start_re = re.compile(r"\b(?:%s)\s*\(" % "|".join(map(re.escape, sorted(starts))))
    end_re = re.compile(r"\b(?:%s)\s*\(" % "|".join(map(re.escape, sorted(ends)))) if ends else None
    for start in sorted(starts):
        for caller in sorted({c for c, _f, _l, _k in graph.callers(start)} - starts):
            text = _fn_text(tree, graph, caller, spans)
            if text is None:
                continue  # defined in several places: each is read where it is called, or not at all
            events = sorted([(m.start(), "s") for m in start_re.finditer(text)] +
                            [(m.start(), "e") for m in (end_re.finditer(text) if end_re else ())] +
                            [(m.start(), "r") for m in _RESTORE.finditer(text)])
            live = False
            for _pos, kind in events:
                if kind == "s":
                    live = True
                elif kind == "e":
                    live = False
                elif live:
                    return (f"{caller}() restores a cookie or writes current->flags after a start of "
                            f"struct {t['tag']}, with no stop between: the handle may outlive its scope")
    return None


def types(tree, graph, prov, balanced, jobs, quiet, timeout):
    """({tag: type record}, failed files): the candidates, each with token True/False and why."""
    spans = _spans_reader(tree)
    cands = candidates(tree, graph, prov, spans)
    failed = []
    for tag, stops in sorted(prov.assumed_tokens.items()):  # whatif --token: taken as declared
        hits = files_with(tree, [tag])
        cands[tag] = {"tag": tag, "kind": "nofs", "field": "(assumed)", "seeds": [], "aliases": [],
                      "token": True, "why": None, "assumed": True, "handovers": [], "creators": [],
                      "stops": [{"fn": s, "callers": []} for s in stops],
                      "files": sorted(set().union(*hits.values())) if hits else []}
    for t in cands.values():
        if t.get("assumed"):
            continue
        hits = files_with(tree, _words(t))
        files = sorted(set().union(*hits.values())) if hits else []
        t["handovers"] = sorted(_handovers(tree, graph, t, files, spans))
        t["files"] = files
        # cheap, and they settle most look-alikes before spatch reads a file
        why = _instances(tree, t, files) or _never_opened(tree, t, files, spans)
        if why:
            t["token"], t["why"] = False, why
            continue
        producers = _producers(tree, t, files)
        res, _ = spatch.run_rule(tree, paths.TOKEN_TYPES_RULE, files, jobs, timeout=timeout, quiet=quiet,
                                 what=f"creations of struct {t['tag']}", keep=_creation_keeper(t, producers),
                                 names={"types": {t["tag"]: [f"struct {t['tag']} *"] +
                                                  [f"{a} *" for a in t["aliases"]]},
                                        "alloc_re": rulepatterns.allocators().pattern,
                                        "producers": producers})
        records = []
        for rel, r in sorted(res.items()):
            if r["status"] != "ok":
                failed.append({"rule": "token_types", "file": rel, "status": r["status"], "detail": r["detail"]})
            records += r["records"]
        why = None
        bad = [f for f in failed if f["rule"] == "token_types" and f["file"] in files]
        if bad:
            why = f"{bad[0]['file']}: spatch could not read it, so its creations are unknown"
        why = why or _check_creations(t, records, t["handovers"]) or \
            _check_stops(tree, graph, t, prov, balanced, spans) or \
            _check_interleaving(tree, graph, t, prov, spans)
        t["token"], t["why"] = why is None, why
    return cands, failed


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


def live_calls(tree, graph, toks, enders, jobs, quiet, timeout, site_fns=None):
    """{file: result} of token_calls.cocci over the files that name a token type. The
    calls it looks at are the allocators and those of functions that lead to a site (all
    calls when site_fns is None): a fact about any other call proves nothing."""
    live = {tag: t for tag, t in toks.items() if t["token"]}
    if not live:
        return {}
    files = sorted(set().union(*[set(t["files"]) for t in live.values()]))
    callees = {f[3] for f in lexsites.graph_records(tree, files) if f[0] == "CALL" and len(f) >= 6}
    maybe = {c for c in callees if not graph.is_function(c)}
    nonfn = sorted(maybe - unknowns.pasted_functions(tree, files, maybe))
    header = masking.word_regex(list(live))  # a body whose header names a token type

    def keep(hdr, body):
        return bool(header and header.search(hdr))
    res, _ = spatch.run_rule(tree, paths.TOKEN_CALLS_RULE, files, jobs, timeout=timeout, quiet=quiet,
                             what="live handles", keep=keep,
                             names={"types": {tag: t["kind"] for tag, t in sorted(live.items())},
                                    "rf": sorted(enders), "rf_re": rulepatterns.scope_enders().pattern,
                                    "nonfn": nonfn, "targets": _leading_to(graph, site_fns, callees),
                                    "alloc_re": rulepatterns.allocators().pattern})
    return res


# The shapes of the functions another task runs: work items, kthreads, timers, RCU and
# completion callbacks, tasklets, interrupt handlers. A function of such a shape whose
# address is taken may run in a task that did not make the handle it finds.
ASYNC_SHAPES = re.compile(
    r"^\s*(?:(?:const\s+)?struct\s+(?:work_struct|delayed_work|rcu_work|kthread_work|timer_list|"
    r"hrtimer|rcu_head|callback_head|irq_work|tasklet_struct|bio)\s*\*\s*\w*|"
    r"void\s*\*\s*\w*|unsigned\s+long\s+\w*|int\s+\w+\s*,\s*void\s*\*\s*\w*)\s*$")


def _handle_fields(tree, toks):
    """The fields a handle can be read from: those declared as a pointer to a token type,
    and those declared as a pointer to (or an instance of) a struct that holds one (a
    carrier: xfs_btree_split_worker() reads args->cur, whose bc_tp is the handle)."""
    fields, carriers, files = set(), set(), set()
    for tag, t in toks.items():
        if not t["token"]:
            continue
        files |= set(t["files"])
        names = [r"struct\s+%s" % re.escape(tag)] + [re.escape(a) for a in t["aliases"]]
        ptr = re.compile(r"(?:%s)\s*\*\s*([A-Za-z_]\w*)\s*[;\[]" % "|".join(names))
        for rel in sorted(t["files"]):
            text = _read(tree, rel)
            fields |= set(ptr.findall(text))
            for m in re.finditer(r"\bstruct\s+(\w+)\s*\{", text):
                depth, i = 0, m.end() - 1
                while i < len(text):
                    depth += {"{": 1, "}": -1}.get(text[i], 0)
                    if depth == 0:
                        break
                    i += 1
                if ptr.search(text, m.end(), i):
                    carriers.add(m.group(1))
    if carriers:
        held = re.compile(r"\bstruct\s+(?:%s)\s*\**\s*([A-Za-z_]\w*)\s*[;\[]" % "|".join(sorted(carriers)))
        for rel in sorted(files):
            fields |= set(held.findall(_read(tree, rel)))
    return fields


def _read(tree, rel):
    try:
        with open(tree.abspath(rel), encoding="latin-1") as f:
            return f.read()
    except OSError:
        return ""


def _async_reader(tree, graph, toks):
    """async_entry(name): another task may run name with a handle it read from memory:
    name's address is taken, its only definition has the shape of a function another task
    runs (ASYNC_SHAPES) and its body reads a field a handle can be read from
    (_handle_fields), in one of its function definitions; a name with none (a macro, a
    name defined nowhere) counts when its address is taken (the safe side)."""
    spans, memo = _spans_reader(tree), {}
    fields = _handle_fields(tree, toks)
    reads = re.compile(r"(?:->|\.)\s*(?:%s)\b" % "|".join(map(re.escape, sorted(fields)))) if fields else None

    def async_entry(name):
        if name not in graph.refs:
            return False
        if name not in memo:
            texts = _fn_texts(tree, graph, name, spans)
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
    async_entry = _async_reader(tree, graph, toks)
    areas = _areas(toks)
    for rel, r in results.items():
        keep = []
        for rec in r["records"]:
            if rec.get("what") != "call":
                keep.append(rec)
                continue
            fn = graph.node(rec["caller"], rec["file"])
            if fn not in memo:
                memo[fn] = _entry_reaching(graph, fn, covered, async_entry, areas)
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
    return (f"{where}: a live struct {tag} holds the {t.get('kind', 'nofs')} scope ({seeds} saves it in "
            f"{param}->{t.get('field')}; {stops})")


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
                                          "creators", "stops")}
    return {"types": out, "foreign": dict(sorted(dropped.items())), "ops_assumed": dict(sorted(assumed.items()))}

