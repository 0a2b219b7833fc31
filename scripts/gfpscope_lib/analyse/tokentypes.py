"""Step 3d, token types: which struct types carry a memalloc scope while an object lives.

Maintainers prove "pure transaction context" from the handle a function is given: while a
struct xfs_trans is live, its task runs in a nofs scope. A struct type is such a scope
token (types()) when:
  - a proven start (a seed of providers.py, no "via") saves its cookie in a field of an
    object of the type (tp->t_pflags, handle->saved_alloc_context);
  - every object of the type is created by an allocation that, on every path, is handed
    first to that start or to a handover, a function that moves another object's cookie
    into it and makes it the one the stops test (xfs_trans_dup() ->
    xfs_trans_switch_context()); cocci/facts/token_types.cocci finds the creations. The
    creators' kmem_cache and sizeof(struct T) are used nowhere else; no function returns
    a new object it did not open (jbd2_alloc_handle() does: handle_t is no token) nor a
    made-up one (a cast, a number: ext4_get_nojournal()'s fake handle_t); there is no
    instance that is not a pointer, no union holding one, no pointer typedef;
  - no function restores an older cookie, or ends another scope, while a handle it
    started is live (text order);
  - every stop (a seed stop that restores from the field or takes the type) can be read,
    is never called through a pointer, and each call of it ends the object's life: the
    caller frees the object right after, or re-entered the scope into it itself (a
    balanced function, ownends.py); with a handover, the stop restores only under a test
    that the handover updates (xfs_trans_clear_context(): current->journal_info == tp).
Anything else, and the type is not a token: its reason is in providers.json.
"""
import re

from ..collect import masking, spatch
from ..collect.words import files_with
from ..core import paths
from . import rulepatterns, tokenguard, tokenstops
from .tokentext import block_end, code, fn_text, fn_texts, read, read_code, spans_reader, spelled

FIELD = re.compile(r"^([A-Za-z_]\w*)->([A-Za-z_]\w*)$")

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
        text = fn_text(tree, graph, fn, spans) or ""
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


def _instances(tree, t, files, spans):
    """Why some object of the type is not made by an allocation, or None: the type named
    other than as a pointer (an instance: a local, a global, a member, a compound literal,
    a macro's argument) except in sizeof/offsetof/__alignof__ or as container_of()'s type,
    a cast to a pointer of the type, a union that holds a pointer of it, or a typedef of a
    pointer to it."""
    any_name = spelled(t)
    named = re.compile(r"\b%s\b(?!\s*[*{;])" % any_name)
    allowed = re.compile(r"(?:\b(?:sizeof|offsetof|__alignof__|_Alignof)\s*\(\s*|,\s*)$")
    ptr_typedef = re.compile(r"\btypedef\s+%s\s*\*" % any_name)
    made = []
    for rel in sorted(files):
        if not read(tree, rel):
            return f"{rel} is unreadable"
        text = read_code(tree, rel)  # (lines kept: the reason names one)
        found = None
        for m in named.finditer(text):
            before, after = text[max(0, m.start() - 40):m.start()], text[m.end():m.end() + 3]
            if re.match(r"\s*\w+\s*;", text[m.end():m.end() + 80]) and \
                    re.search(r"\btypedef\s+$", before):
                continue  # typedef struct T name; (the name is an alias, checked as one)
            if allowed.search(before) and re.match(r"\s*[,)]", after):
                continue  # sizeof(struct T), container_of(p, struct T, member)
            found = (m, "the type used other than as a pointer")
            break
        if not found and ptr_typedef.search(text):
            found = (ptr_typedef.search(text), "a typedef of a pointer to the type")
        # a cast makes a handle out of a number (tokenguard.py): only a validity test
        # that tells it apart leaves the type a token
        casts, bad = tokenguard.made_up(text, any_name, rulepatterns.allocators())
        if not found and bad:
            line = text.count("\n", 0, bad[0]) + 1
            return f"{rel}:{line}: {bad[1]} ({' '.join(text[bad[0]:].split(';', 1)[0].split())[:60]})"
        made += [(rel, text.count("\n", 0, at) + 1, operand, value) for at, operand, value in casts or ()]
        if not found:
            for u in re.finditer(r"\bunion\s*\w*\s*\{", text):
                if re.search(any_name + r"\s*\*", text[u.end():block_end(text, u.end() - 1)]):
                    found = (u, "a union that holds a pointer of the type")
                    break
        if found:
            m, what = found
            line = text.count("\n", 0, m.start()) + 1
            return f"{rel}:{line}: {what} ({' '.join(m.group(0).split())[:60]})"
    if made:
        t["guard"] = tokenguard.find(tree, any_name, _guard_texts(tree, files, spans))
        rel, line, operand, value = made[0]
        cast = f"{rel}:{line}: a cast to a pointer of the type (of {operand})"
        if not t["guard"]:
            return f"{cast} makes a handle no dereference tells apart: no validity test bounds it in the first page"
        big = [m for m in made if m[3] is not None and m[3] >= t["guard"]["value"]]
        if big:
            return f"{big[0][0]}:{big[0][1]}: a cast to a pointer of the type of {big[0][2]}, which " \
                   f"{t['guard']['fn']}() calls valid"
        t["made_up"] = [f"{r}:{n}" for r, n, _o, _v in made]
    return None


def _guard_texts(tree, files, spans):
    """The function texts that may test a handle against a bound ((unsigned long)h < B)."""
    test = re.compile(r"\(\s*unsigned\s+long\s*\)\s*[A-Za-z_]\w*\s*(?:<|>=)")
    out = []
    for rel in sorted(files):
        if not test.search(read(tree, rel)):
            continue
        lines = read_code(tree, rel).split("\n")
        for ss in spans(rel).values():
            out += [x for x in ("\n".join(lines[a - 1:b]) for a, b in ss) if test.search(x)]
    return out


def _aliases(tree, t, files):
    """More names of the type, from typedef struct T name; or typedef struct T {...} name;
    in the type's files (added to t["aliases"]); why the type is no token, or None: a
    typedef that makes a pointer to it (} name, *pname;)."""
    head = re.compile(r"\btypedef\s+struct\s+%s\b\s*" % re.escape(t["tag"]))
    for rel in files:
        text = read_code(tree, rel)
        for m in head.finditer(text):
            rest = m.end()
            if text.startswith("{", rest):
                rest = block_end(text, rest) + 1
            decl = text[rest:text.find(";", rest)] if ";" in text[rest:] else ""
            for d in decl.split(","):
                d = d.strip()
                if "*" in d or "(" in d or "[" in d:
                    line = text.count("\n", 0, m.start()) + 1
                    return f"{rel}:{line}: a typedef of a pointer to the type ({d})"
                if re.fullmatch(r"[A-Za-z_]\w*", d) and d not in t["aliases"]:
                    t["aliases"].append(d)
    return None


def _made_up_returns(tree, graph, t, producers, spans):
    """Why a function returning the type may return a made-up pointer (a cast, a number,
    an address), or None: only NULL, ERR_PTR()/ERR_CAST(), a name, a field, or a call's
    result may come back."""
    ok = re.compile(r"^(?:NULL|0|[A-Za-z_]\w*(?:\s*(?:->|\.)\s*[A-Za-z_]\w*)*|[A-Za-z_]\w*\s*\(.*\))$", re.S)
    if t.get("made_up"):  # a made-up handle the validity test tells apart (_instances checked the casts)
        ok = re.compile(r"^(?:%s|\(\s*%s\s*\*\s*\)\s*(?:[A-Za-z_]\w*|\d+[uUlL]*))$"
                        % (ok.pattern.strip("^$"), spelled(t)), re.S)
    for fn in producers:
        for text in fn_texts(tree, graph, fn, spans):
            body = code(text)[text.find("{"):]
            for m in re.finditer(r"\breturn\b\s*([^;]*);", body):
                if not ok.match(m.group(1).strip()):
                    return f"{fn}() returns {' '.join(m.group(1).split())[:40]}, not a handle it was given or made"
    return None


def _allocations_elsewhere(tree, graph, t, files, spans):
    """Why an object of the type may be allocated outside the checked creators, or None:
    the creators' kmem_cache passed to an allocator, or sizeof(struct T) used, in any other
    function (kmem_cache_create() aside)."""
    creators = {c["fn"] for c in t["creators"]}
    caches = set()
    for c in t["creators"]:
        line = (read(tree, c["file"]).split("\n") + [""])[c["line"] - 1]
        m = re.search(r"\bkmem_cache_\w*alloc\w*\s*\(\s*([A-Za-z_]\w*)\s*,", line)
        if m:
            caches.add(m.group(1))
    uses = [r"\bkmem_cache_\w*alloc\w*\s*\(\s*%s\b" % re.escape(c) for c in sorted(caches)]
    uses.append(r"\bsizeof\s*\(\s*struct\s+%s\s*\)" % re.escape(t["tag"]))
    pat = re.compile("|".join(uses))
    hits = files_with(tree, [re.escape(c) for c in sorted(caches)]) if caches else {}
    for rel in sorted(set(files) | set().union(*hits.values()) if hits else set(files)):
        text = read_code(tree, rel)
        fns = spans(rel)
        for m in pat.finditer(text):
            stmt = text[max(text.rfind(";", 0, m.start()), text.rfind("{", 0, m.start())) + 1:m.start()]
            if re.search(r"\b(?:kmem_cache_create\w*|KMEM_CACHE\w*)\s*\(", stmt):
                continue  # the size the cache is made with
            n = text.count("\n", 0, m.start()) + 1
            holders = {f for f, ss in fns.items() for a, b in ss if a <= n <= b}
            if not holders & creators:
                where = ", ".join(sorted(holders)) or "file scope"
                return (f"{rel}:{n} ({where}) allocates what a struct {t['tag']} is made of outside "
                        "the creators that open the scope")
    return None


def _never_opened(tree, t, files, spans):
    """Why the type is no token, read from the text alone, or None: a function declares a
    pointer of the type, assigns it an allocator's result and calls no seed or handover at
    all (cifs_get_tcp_session()'s struct TCP_Server_Info)."""
    decl = re.compile(r"\b%s\s*\*\s*([A-Za-z_]\w*)" % spelled(t))
    alloc = rulepatterns.allocators().pattern.strip("^$")
    openers = set(t["seeds"]) | set(t["handovers"])
    opens = re.compile(r"\b(?:%s)\s*\(" % "|".join(map(re.escape, sorted(openers))))
    for rel in files:
        lines = read_code(tree, rel).split("\n")
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
    pat = re.compile(r"\b%s\s*\*\s*([A-Za-z_]\w*)\s*\(" % spelled(t))
    out = set()
    for rel in files:
        out |= set(pat.findall(read(tree, rel)))
    return sorted(out)


def _handovers(tree, graph, t, files, spans):
    """Functions that move one object's cookie into another: a->field = b->field."""
    pat = re.compile(r"\b\w+->%s\s*=\s*\w+->%s\s*;" % ((re.escape(t["field"]),) * 2))
    out = set()
    for rel in sorted(files):
        text = read(tree, rel)
        for m in pat.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            out |= {n for n, ss in spans(rel).items() for a, b in ss if a <= line <= b}
    return out

def types(tree, graph, prov, balanced, jobs, quiet, timeout):
    """({tag: type record}, failed files): the candidates, each with token True/False and why."""
    spans = spans_reader(tree)
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
        n = len(t["aliases"])
        alias_why = _aliases(tree, t, files)
        if len(t["aliases"]) > n:  # typedef names: the files that use only those count too
            hits = files_with(tree, _words(t))
            files = sorted(set().union(*hits.values())) if hits else []
        t["files"] = files
        # cheap, and they settle most look-alikes before spatch reads a file
        why = alias_why or _instances(tree, t, files, spans) or _never_opened(tree, t, files, spans)
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
            _made_up_returns(tree, graph, t, producers, spans) or \
            _allocations_elsewhere(tree, graph, t, files, spans) or \
            tokenstops.check_handovers(tree, graph, t, prov, spans) or \
            tokenstops.check_stops(tree, graph, t, prov, balanced, spans) or \
            tokenstops.check_interleaving(tree, graph, t, prov, spans)
        t["token"], t["why"] = why is None, why
    return cands, failed
