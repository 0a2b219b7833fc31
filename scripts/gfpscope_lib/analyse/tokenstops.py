"""Step 3d, the stops of a token type: each must end the handle's life with its scope.

tokentypes.types() asks these after the creations: every stop (a seed stop that restores
from the field or takes the type) can be read, is never called through a pointer, and each
call of it is followed by the free of that handle or comes from a function that re-entered
the scope into it (check_stops); a handover sets what the stops test (check_handovers); no
function ends another scope while a handle it started is live (check_interleaving).
"""
import re

from .tokentext import block_end, code, fn_texts, read, spelled


def _type_stops(tree, graph, t, prov, spans):
    """(the stops of the type, why not, or None): the seed stops that restore from the
    field or take a pointer of the type, each with the texts of its definitions. A stop
    defined in the type's files with no function definition (a #define, a name defined
    nowhere readable) cannot be checked; one whose address is taken is called where no
    check looks."""
    field = re.compile(r"->\s*%s\b" % re.escape(t["field"]))
    takes = re.compile(r"\b%s\s*\*" % spelled(t))
    files, out = set(t["files"]), []
    for stop in sorted(prov.stops):
        texts = fn_texts(tree, graph, stop, spans)
        if not texts:
            if files.intersection(graph.def_files.get(stop, ())):
                return None, f"{stop}() restores a cookie and has no function body to check (a macro?)"
            continue
        # (a restore from the field of another type that names it too is that type's stop)
        if not any((field.search(x) and takes.search(x)) or takes.search(x.split("{", 1)[0]) for x in texts):
            continue
        if stop in graph.refs:
            return None, f"{stop}() restores the cookie and its address is taken: it is called where no check looks"
        out.append((stop, texts))
    return out, None


def check_stops(tree, graph, t, prov, balanced, spans):
    """Why a stop may end a token's scope while the token lives on, or None."""
    t["stops"], after = [], set()
    stops, why = _type_stops(tree, graph, t, prov, spans)
    if why:
        return why
    t["after_stop"] = after
    for stop, texts in stops:
        if t.get("handovers") and not all(_guard(x) for x in texts) and \
                not _zeroed_cookie_is_harmless(tree, graph, t, spans):
            return (f"{stop}() restores the cookie without testing that the handle is the current one, "
                    "but a handover moves cookies between objects: freeing the old one would end the "
                    "new one's scope")
        callers = []
        for caller, _f, _l, _c in graph.callers(stop):
            if caller in balanced:
                callers.append(f"{caller} (opened it itself)")
                continue
            ctexts = fn_texts(tree, graph, caller, spans)
            if not ctexts:
                return f"{caller}() calls {stop}() and cannot be read"
            for ctext in ctexts:
                how = _ends_life(code(ctext), stop, t["seeds"], after)
                if not how:
                    return (f"{caller}() calls {stop}() and neither frees the handle right after it nor "
                            "opened the scope itself: a handle may outlive its scope")
                callers.append(f"{caller} ({how})")
        t["stops"].append({"fn": stop, "callers": sorted(set(callers))})
    if not t["stops"]:
        return f"no stop restores the cookie from ->{t['field']}"
    return None


def _ends_life(text, stop, seeds, after_stop):
    """How every call of stop in this function text ends the handle's life, or None: the
    free of exactly that argument (kfree(x), kmem_cache_free(c, x)) follows in the same
    block, with no return, goto or break before it; or the function re-entered the scope
    into it itself (_reenters). Between the stop and the free the handle may be read
    (x->field); a function it is handed to there (xfs_trans_free_dqinfo(tp)) gets a
    stopped handle: its name goes into after_stop, and the ownership walk keeps handle
    facts away from what it reaches."""
    every = re.findall(r"\b%s\s*\(\s*([^;]*?)\s*\)\s*;" % re.escape(stop), text)
    if len(every) == 1 and _reenters(text, seeds, stop, every[0]):
        return f"re-entered it with {_names(seeds)}"
    calls = list(re.finditer(r"^([ \t]*)%s\s*\(\s*([A-Za-z_]\w*)\s*\)\s*;" % re.escape(stop), text, re.M))
    if len(calls) != len(re.findall(r"\b%s\s*\(" % re.escape(stop), text)) or not calls:
        return None  # a call that is not a plain statement on a plain name
    for m in calls:
        indent, arg = m.group(1), re.escape(m.group(2))
        free = re.compile(r"^%s(?:kfree|kvfree)\s*\(\s*%s\s*\)\s*;|^%skmem_cache_free\s*\(\s*[A-Za-z_]\w*\s*,\s*%s\s*\)\s*;"
                          % (re.escape(indent), arg, re.escape(indent), arg), re.M)
        f = free.search(text, m.end())
        if not f:
            return None
        between = text[m.end():f.start()]
        closes = bool(indent) and re.search(r"^%s\}" % re.escape(indent[:-1]), between, re.M)
        if re.search(r"\b(?:return|goto|break)\b", between) or closes:
            return None  # the free may not run (or is in another block)
        for c in re.finditer(r"\b([A-Za-z_]\w*)\s*\(", between):  # nested calls too
            args = between[c.end():block_end(between, c.end() - 1)]
            if re.search(r"\b%s\b(?!\s*->)" % arg, args):
                after_stop.add(c.group(1))
    return "frees it"


def _zeroed_cookie_is_harmless(tree, graph, t, spans):
    """Every handover zeroes the old handle's cookie (old_tp->t_pflags = 0), and the tree's
    restore clears only the bits its cookie names (memalloc_flags_restore(): current->flags
    &= ~flags, since 6.9): the old handle's stop then restores nothing. (Before, a restore
    of 0 cleared PF_MEMALLOC_NOFS: 6.1's XFS tested current->journal_info instead.)"""
    api = code(read(tree, "include/linux/sched/mm.h"))
    nofs = re.search(r"\bmemalloc_nofs_restore\s*\([^)]*\)\s*\{([^}]*)\}", api)
    flags = re.search(r"\bmemalloc_flags_restore\s*\(\s*unsigned\s+(?:int\s+)?(\w+)\s*\)\s*\{([^}]*)\}", api)
    if not (nofs and flags and re.search(r"\bmemalloc_flags_restore\s*\(", nofs.group(1)) and
            re.fullmatch(r"\s*current\s*->\s*flags\s*&=\s*~\s*%s\s*;\s*" % flags.group(1), flags.group(2))):
        return False
    zero = re.compile(r"\b\w+\s*->\s*%s\s*=\s*0\s*;" % re.escape(t["field"]))
    return all(any(zero.search(x) for x in fn_texts(tree, graph, h, spans)) for h in t["handovers"])


def _guard(text):
    """The lvalue the stop's restore is guarded by (if (current->journal_info == tp)), or None."""
    head = text.split("restore", 1)[0]
    m = re.search(r"\bif\s*\(\s*((?:->|[^()=!<>])+?)\s*==\s*[A-Za-z_]\w*\s*\)", head)
    return m.group(1).strip() if m else None


def check_handovers(tree, graph, t, prov, spans):
    """Why a handover may leave the stops testing the old handle, or None: it must assign
    what each stop's guard compares (current->journal_info = new_tp)."""
    if not t.get("handovers"):
        return None
    stops, why = _type_stops(tree, graph, t, prov, spans)
    if why:
        return why
    guards = {_guard(x) for _stop, texts in stops for x in texts}
    if None in guards or not guards:
        return None  # check_stops says why
    for h in t["handovers"]:
        for text in fn_texts(tree, graph, h, spans) or [""]:
            for g in guards:
                if not re.search(r"%s\s*=\s*[A-Za-z_]\w*\s*;" % re.escape(g).replace(r"\ ", r"\s*"), text):
                    return (f"{h}() moves the cookie but does not set {g}, which the stop tests: the old "
                            "handle's stop would still end the scope")
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


def check_interleaving(tree, graph, t, prov, spans):
    """Why a function may end a scope while a handle it started is live, or None.

    A restore puts back the flags of its save: `c = memalloc_nofs_save(); start(&tp);
    memalloc_nofs_restore(c);` ends the scope with tp still live; so does another
    provider's stop. Read in text order, in every definition: in a function that calls a
    start of the type, after a start, no restore, write to current->flags or other
    scope-ending call may come before a call that ends the handle (one that may reach the
    type's own stops)."""
    starts = {n for n, s in prov.starts.items()
              if set(t["seeds"]) & ({n} | set(s.get("via") or ()))}
    own = _reaching(graph, {st["fn"] for st in t.get("stops") or ()})
    other = (set(prov.may_end) | set(prov.stops)) - own - starts
    start_re = re.compile(r"\b(?:%s)\s*\(" % "|".join(map(re.escape, sorted(starts))))
    own_re = re.compile(r"\b(?:%s)\s*\(" % "|".join(map(re.escape, sorted(own)))) if own else None
    other_re = re.compile(r"\b(?:%s)\s*\(" % "|".join(map(re.escape, sorted(other)))) if other else None
    for start in sorted(starts):
        for caller in sorted({c for c, _f, _l, _k in graph.callers(start)} - starts):
            for text in fn_texts(tree, graph, caller, spans):
                events = sorted([(m.start(), "s") for m in start_re.finditer(text)] +
                                [(m.start(), "e") for m in (own_re.finditer(text) if own_re else ())] +
                                [(m.start(), "r") for m in (other_re.finditer(text) if other_re else ())] +
                                [(m.start(), "r") for m in _RESTORE.finditer(text)])
                live = False
                for _pos, kind in events:
                    if kind == "s":
                        live = True
                    elif kind == "e":
                        live = False
                    elif live:
                        return (f"{caller}() ends a scope (a restore, a write to current->flags or another "
                                f"provider's stop) after a start of struct {t['tag']}, with no stop of the "
                                "handle between: the handle may outlive its scope")
    return None


def _reaching(graph, names, limit=20000):
    """names and the functions that may call one of them (over the whole graph)."""
    seen, todo = set(names), list(names)
    while todo and len(seen) < limit:
        for caller, _f, _l, _c in graph.callers(todo.pop()):
            if caller != "-" and caller not in seen:
                seen.add(caller)
                todo.append(caller)
    return seen
