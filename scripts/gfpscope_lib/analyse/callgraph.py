"""Step 3c, callers: does every path into a function come from inside a scope?

A must-analysis over the tree's call graph. The graph is lexical, from
`gfplex --graph` over the whole tree (spatch cannot parse 60,000 files in
minutes; a C lexer does it in seconds). The calls that a scope covers on
every path come from spatch (cocci/facts/scoped_calls.cocci), run only in
files that open a scope.

A function G runs in a nofs (noio) scope when:
  - G is a known function or macro with at least one call site;
  - G's address is never taken (no REF anywhere) and G is not exported;
  - G itself ends no scope (calls no restore/stop helper, writes no
    current->flags), so the scope it inherits is still open in its body;
  - every call site of G is covered by a nofs (noio) scope in its own
    function, or lies in a function that runs in such a scope itself;
  - and a chain of such callers reaches a covering scope (a cycle that no
    scope enters proves nothing).
Functions are identified by name, except a static function of a .c file that
has a namesake defined elsewhere: it is its own node, "name@file" (see
Graph.node), and its callers are the calls in its own file plus every call of
the name in a header (a macro or inline function, which its file may include) or
in a .c file that some file #includes: a call from another .c file goes to a
non-static namesake or to that file's own static one (ocfs2's static sc_alloc()
is no callee of hfi1, which calls its own global sc_alloc()). A name defined in a .c file that another file #includes is not
split (the includer sees its statics). A non-static name keeps every call of the name as its caller, so a
global function and a static namesake never lose a caller to each other: the
merge over-approximates, which can only turn a convert into a keep.
"""
import io
import os
import subprocess
import sys
import tempfile

from ..collect import graphcache, lexsites
from . import rulepatterns
from ..core.errors import GfpError

# what ends a scope inside a function: the local rule's list (read from the rule)
CLEARING = rulepatterns.scope_enders()


class Graph:
    """The call graph, kept small: the whole tree has over five million calls.

    Call positions are kept only in the files where a scope can cover a call
    (the files that open one); elsewhere a call is just "caller calls callee".
    """

    def __init__(self, position_files=(), enders=CLEARING):
        self.position_files = set(position_files)
        self.enders = enders
        self.defined = set()      # function and macro names
        self.macros = set()
        self.calls = {}           # callee -> [(caller, file, line, col)] in position files
        self.plain = {}           # callee -> {caller: file} elsewhere
        self.ends_scope = set()   # functions that call something that ends a scope
        self.refs = {}            # name -> (holder, file, line) of its first non-call use
        self.exported = set()
        self.nonstatic = set()    # names with at least one non-static definition
        self.from_asm = set()     # names that assembly or linker scripts mention
        self.files = 0
        self.def_files = {}       # name -> (files that define it) (function or macro)
        self.macro_callees = {}   # macro -> (what its body calls) (macro wrappers of providers)
        self.multi_files = {}     # (callee, caller) plain edges seen in more than one file -> the files
        # (name, file) of the function definitions in .c files, static and not (pairs, not a
        # set per name: half a million names would cost a hundred MiB)
        self.static_c, self.nonstatic_c = set(), set()
        self.included_c = set()   # names of the .c files some file #includes (by base name)
        self.split = {}           # name -> the files whose static function of that name is a node
        self.shared = set()       # split names that are also defined otherwise (the name's node)
        # for the handles' ownership walk (tokens.py): the fields of ops tables a name is
        # stored in, and the indirect calls through each field
        self.ops_member_of = {}   # name -> (member, ...) of ".member = name" initializers
        self.plain_refs = set()   # names whose address is taken other than so
        self.icalls = {}          # member -> {caller} of calls through ->member(
        self.wrap_defs = {}       # name -> [(file, line, fn, params, body)]: DEFINE records (wrappers.py)
        self._defined_enders = None

    def finish(self):
        """After the whole graph is read: which static functions are nodes of their own."""
        self.split, self.shared = {}, set()
        for name, defs in self.def_files.items():
            if len(defs) < 2:
                continue  # one file: no namesake to tell apart
            if any(os.path.basename(f) in self.included_c for f in defs):
                continue  # a .c file another includes: its statics are the includer's too
            files = {f for f in defs if (name, f) in self.static_c and (name, f) not in self.nonstatic_c}
            if files:
                self.split[name] = files
                if any(f not in files for f in defs):
                    self.shared.add(name)
        # the tables of names to a few others hold tuples (_tuple_add), sorted from here on
        for table in (self.def_files, self.macro_callees, self.ops_member_of):
            for k, v in table.items():
                table[k] = tuple(sorted(v))

    def is_function(self, name):
        """name is defined as a function and not as a calling macro: a call of it does not
        hide a break (a name defined nowhere, or as a macro, might)."""
        return name in self.defined and name not in self.macros

    def defined_enders(self):
        """The names defined in the tree that the local rule's list of scope ends matches."""
        if self._defined_enders is None:
            self._defined_enders = {n for n in self.defined if self.enders.match(n)}
        return self._defined_enders

    def node(self, name, file):
        """The function that name means in file: "name@file" for a split static function."""
        return f"{name}@{file}" if file in self.split.get(name, ()) else name

    def nodes_of(self, name):
        """Every function a name stands for: its split static functions and, if it has other
        definitions (non-static, in a header, a macro), the name itself."""
        files = self.split.get(name)
        if not files:
            return [name]
        return [f"{name}@{f}" for f in sorted(files)] + ([name] if name in self.shared else [])

    def node_callers(self, node):
        """Every call site of one function (a node): (caller node, file, line, col)."""
        name, _, own = node.partition("@")
        split = self.split.get(name, ())
        out = []
        for caller, file, line, col in self.callers(name):
            # a plain edge seen in several files is one edge per file here
            files = sorted(self.multi_files.get((name, caller), ())) if not line else ()
            for f in files or [file]:
                if own and f in split and f != own:
                    continue  # that file calls its own static namesake
                if own and not may_call_static(f, own, self.included_c):
                    continue  # another translation unit: C sends its call to a non-static namesake
                # (the name's own node, a non-static function, keeps every call of the name:
                # a file with a static namesake under #ifdef may call it in the #else)
                out.append((self.node(caller, f), f, line, col))
        return out

    def static_only(self):
        """Names all of whose definitions are static functions, and the split static functions
        (nodes): their callers are in one file."""
        return ({n for n in self.defined if n not in self.nonstatic and n not in self.macros} |
                {f"{n}@{f}" for n, files in self.split.items() for f in files})

    def callers(self, fn):
        """Every call site of fn: (caller, file, line, col), file None where not kept."""
        out = list(self.calls.get(fn, ()))
        out += [(c, f, 0, 0) for c, f in sorted(self.plain.get(fn, {}).items())]
        return out

    def fold(self, lines):
        """Fold gfplex --graph records into the tables; the CALL records (three in four of
        6.9 M) inline: without a method call and a regex match per record, linux-6.12's
        records fold in 8.3 s, not 9.7."""
        intern, positions, plain, calls = sys.intern, self.position_files, self.plain, self.calls
        multi, macros, ends, macro_callees = self.multi_files, self.macros, self.ends_scope, self.macro_callees
        ender, match = {}, self.enders.match  # callee -> whether it ends a scope
        cur, cur_pos = None, False  # the file of the last record (records come file by file)
        for line in lines:
            if not line.startswith("CALL\t"):
                self._add_other(line)
                continue
            _, file, caller, callee, ln, col = line.rstrip("\n").split("\t")[:6]
            if file != cur:
                cur = intern(file)
                cur_pos = cur in positions
            caller, callee = intern(caller), intern(callee)
            if cur_pos:
                calls.setdefault(callee, []).append((caller, cur, int(ln), int(col)))
            else:
                first = plain.setdefault(callee, {}).setdefault(caller, cur)
                if first is not cur and first != cur:
                    multi.setdefault((callee, caller), {first}).add(cur)
            e = ender.get(callee)
            if e is None:
                e = ender[callee] = bool(match(callee))
            if e:
                ends.add(caller)
            if caller in macros:
                _tuple_add(macro_callees, caller, callee)

    def _add_other(self, line):
        """A record other than CALL."""
        f = line.rstrip("\n").split("\t")
        kind = f[0]
        if kind == "FN":
            name, file = sys.intern(f[2]), sys.intern(f[1])
            self.defined.add(name)
            _tuple_add(self.def_files, name, file)
            if f[3] == "0":
                self.nonstatic.add(name)
            if file.endswith(".c"):
                (self.static_c if f[3] == "1" else self.nonstatic_c).add((name, file))
        elif kind == "MACRO":
            self.defined.add(sys.intern(f[2]))
            self.macros.add(f[2])
            _tuple_add(self.def_files, f[2], sys.intern(f[1]))
        elif kind == "REF":
            if f[3] not in self.refs:
                self.refs[sys.intern(f[3])] = (f[2], f[1], int(f[4]))
            member = f[6] if len(f) > 6 else "-"
            if member == "-":
                self.plain_refs.add(f[3])
            elif member != "()":  # "()": &f(x), the address of f's result
                _tuple_add(self.ops_member_of, f[3], sys.intern(member))
        elif kind == "ICALL":
            if f[3] != "-":
                self.icalls.setdefault(sys.intern(f[3]), set()).add(sys.intern(f[2]))
        elif kind == "EXPORT":
            self.exported.add(f[2])
        elif kind == "DEFINE" and len(f) >= 7:
            self.wrap_defs.setdefault(f[2], []).append((f[1], int(f[3]), f[4] == "1", f[5], f[6]))
        elif kind == "F":
            self.files = int(f[1])


def _tuple_add(table, key, item):
    """table[key] += (item,) unless it holds item: the tables of names to a few others hold
    tuples, not sets (a set of one costs 216 bytes, a tuple 48; 880,000 names of linux-6.12
    are defined in one file, and the fold is the scan's peak of memory)."""
    got = table.get(key)
    if got is None:
        table[key] = (item,)
    elif item not in got:
        table[key] = got + (item,)


def lex_graph(tree, position_files=(), enders=CLEARING):
    """The lexical call graph of the whole tree, read as gfplex writes it (never whole in memory),
    or from the cache when no source file of the tree changed since (collect/graphcache.py)."""
    exe = lexsites.gfplex_binary()
    g = Graph(position_files, enders)
    cache = graphcache.GraphCache(tree, position_files, enders)
    g.from_cache = cache.load(g)
    if g.from_cache:
        return g
    p = subprocess.Popen([exe, "--graph", tree.path], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    with io.TextIOWrapper(p.stdout, encoding="utf-8", errors="surrogateescape") as out:
        g.fold(out)
    err = p.stderr.read()
    p.stderr.close()
    if p.wait():
        raise GfpError("gfplex --graph failed: " + err.decode("utf-8", "replace").strip()[:200])
    g.from_asm = asm_mentions(tree, g.nonstatic)
    g.included_c = included_c_files(tree)
    g.finish()
    cache.store(g)
    return g


def may_call_static(call_file, def_file, included_c):
    """A call in call_file may reach a static function of def_file: the same file, a
    header (a macro or inline function def_file may include), or a .c file some file
    #includes (included_c: base names)."""
    return call_file == def_file or not call_file.endswith(".c") or os.path.basename(call_file) in included_c


def included_c_files(tree):
    """Base names of the .c files that some file #includes ("x.c" or <x.c>, in any
    directory): a static function there is visible in the includer as well."""
    r = subprocess.run(["grep", "-rahoE", "--include=*.c", "--include=*.h", "--exclude-dir=.git",
                        r'^[[:space:]]*#[[:space:]]*include[[:space:]]*["<][^">]*\.c[">]', "."],
                       cwd=tree.path, capture_output=True, text=True, errors="replace")
    return {os.path.basename(m.rstrip('">').split('"')[-1].split("<")[-1]) for m in r.stdout.split("\n") if m}


def add_positions(graph, tree, files):
    """Keep call positions for more files (the provider regions), after the graph was read.

    A plain edge from one of these files is replaced by its positioned calls,
    unless the same caller name calls the callee from another file too: then
    the plain edge stays, and the call counts as uncovered (the safe side).
    """
    files = sorted(set(files) - graph.position_files)
    if not files:
        return
    records = lexsites.graph_records(tree, files)
    graph.position_files.update(files)
    for f in records:
        if f[0] != "CALL":
            continue
        _, file, caller, callee, ln, col = f[:6]
        graph.calls.setdefault(callee, []).append((caller, file, int(ln), int(col)))
        plain = graph.plain.get(callee)
        if plain and plain.get(caller) == file and (callee, caller) not in graph.multi_files:
            del plain[caller]



def asm_mentions(tree, names):
    """Which of these names assembly (.S) or linker scripts mention: callers the C lexer cannot see."""
    if not names:
        return set()
    with tempfile.NamedTemporaryFile("w", suffix=".names") as f:
        f.write("\n".join(sorted(names)) + "\n")
        f.flush()
        r = subprocess.run(["grep", "-rahowF", "-f", f.name, "--include=*.S", "--include=*.s",
                            "--include=*.lds", "--exclude-dir=.git", "."], cwd=tree.path,
                           capture_output=True, text=True, errors="replace")
    return set(r.stdout.split())


def analyse(graph, scoped_calls, want_noio):
    """{function: witness} for the functions that run in scope.

    scoped_calls: {(file, line, col): kind} for call sites a local scope
    covers ("nofs" or "noio"). With want_noio only noio scopes count.
    Functions are nodes (Graph.node): a name, or "name@file" for a split
    static function. A witness is ("scope", opener, file, line, col) for a
    covered call site, or ("caller", node, file, line, col) for a call from a
    function that runs in scope itself.
    """
    def covered(file, line, col):
        k = scoped_calls.get((file, line, col)) if line else None
        return k is not None and (k == "noio" or not want_noio)

    def eligible(fn):
        return (fn in graph.defined and (fn in graph.calls or fn in graph.plain) and
                fn not in graph.refs and fn not in graph.exported and fn not in graph.from_asm and
                fn not in graph.ends_scope and not graph.enders.match(fn))

    split, multi = graph.split, graph.multi_files

    def outside_callers(fn):
        """The callers of fn (nodes) whose call no scope covers: fn runs in scope only while
        all of them do. The same callers as Graph.node_callers, without building its list
        (that took most of the time): only a split name's own nodes need its file rules."""
        name, _, own = fn.partition("@")
        if own or name in split:
            return {c for c, file, line, col in graph.node_callers(fn) if not covered(file, line, col)}
        out = set()
        plain = graph.plain.get(name)
        if plain:
            if split.keys().isdisjoint(plain):
                out.update(plain)
            else:  # a split static caller is a node per file it calls from
                for caller, file in plain.items():
                    if caller in split:
                        out.update(graph.node(caller, f) for f in multi.get((name, caller)) or (file,))
                    else:
                        out.add(caller)
        for caller, file, line, col in graph.calls.get(name, ()):
            if not covered(file, line, col):
                out.add(graph.node(caller, file) if caller in split else caller)
        return out

    inscope = {n for fn in set(graph.calls) | set(graph.plain) if eligible(fn) for n in graph.nodes_of(fn)}
    # greatest fixpoint: drop a function with a caller outside any scope, in rounds over
    # the functions still in (the first round drops nearly all that go; building the callers'
    # lists of every function made this 4.2 s per kind on linux-6.12, 2.6 s without).
    # The fixpoint is unique, so the order cannot change the answer.
    changed = True
    while changed:
        changed = False
        for fn in list(inscope):
            if not outside_callers(fn) <= inscope:
                inscope.discard(fn)
                changed = True
    # grounding: keep what a covered call reaches; a cycle no scope enters proves nothing
    # In rounds, in name order: each chain is a shortest one, and the same on every run
    # (iterating the set itself would follow Python's per-process string hashing).
    translated = {}

    def all_callers(fn):
        got = translated.get(fn)
        if got is None:
            name = fn.partition("@")[0]
            if name in split or not split.keys().isdisjoint(graph.plain.get(name, ())) or \
                    any(c[0] in split for c in graph.calls.get(name, ())):
                got = graph.node_callers(fn)  # callers as nodes, a call per file
            else:
                got = graph.callers(fn)
            translated[fn] = got
        return got

    witness = {}
    for fn in sorted(inscope):
        for caller, file, line, col in all_callers(fn):
            if covered(file, line, col):
                witness[fn] = ("scope", caller, file, line, col)
                break
    while True:
        found = {}
        for fn in sorted(inscope - witness.keys()):
            for caller, file, line, col in all_callers(fn):
                if caller in witness:
                    found[fn] = ("caller", caller, file, line, col)
                    break
        if not found:
            return witness
        witness.update(found)


def prove(graph, results, save_label, kind_of=None):
    """The must-analysis from the scoped-calls rule's results: (ipa, failed files).

    results is {file: spatch result} of a scoped-calls rule; save_label(rec)
    names the covering scope in the evidence. ipa holds, per kind, the
    functions that run in scope with their witnesses, and what the verdicts
    need to explain them.
    """
    scoped, saves, openers, save_lines, failed = {}, {}, {}, {}, []
    wrapped, plain = {}, set()  # the calls only a wrapper macro's argument covers: its extents
    for rel, r in results.items():
        if r["status"] != "ok":
            failed.append({"rule": "scoped_calls", "file": rel, "status": r["status"], "detail": r["detail"],
                           **({"functions": r["functions_failed"]} if r.get("functions_failed") else {})})
        for rec in r["records"]:
            key = (os.path.normpath(rec["file"]), rec["line"], rec["col"])
            if rec.get("what", "call") != "call":
                continue
            if "arg" in rec:
                wrapped.setdefault(key, []).append(tuple(rec["arg"]))
            else:
                plain.add(key)
            kind = rec["kind"] if "kind" in rec else kind_of(rec["opener"])
            # noio-covered only if every covering save is a noio one
            scoped[key] = "nofs" if "nofs" in (kind, scoped.get(key)) else "noio"
            # the outermost scope names the evidence (an inner pair may have closed since)
            if key not in save_lines or (rec.get("save_line") or 0) < (save_lines[key] or 0):
                saves[key] = save_label(rec)
                openers[key] = rec.get("opener")
                save_lines[key] = rec.get("save_line")
    ipa = {"nofs": analyse(graph, scoped, False), "noio": analyse(graph, scoped, True),
           "saves": saves, "static_only": graph.static_only(), "graph": graph, "scoped": scoped, "openers": openers,
           "save_lines": save_lines, "wrap_args": {k: v for k, v in wrapped.items() if k not in plain}}
    return ipa, failed


def chain(fn, witness, saves):
    """The evidence: fn <- caller <- ... <- scope opener (save and its line)."""
    out, seen = [fn], {fn}
    w = witness.get(fn)
    while w and w[0] == "caller" and w[1] not in seen:
        out.append(w[1])
        seen.add(w[1])
        w = witness.get(w[1])
    if w and w[0] == "scope":
        _, opener, file, line, col = w
        save = saves.get((file, line, col))
        out.append(f"{show(opener)} ({save})" if save else show(opener))
    return out


def name_of(node):
    """The function name of a node ("name" or "name@file")."""
    return node.partition("@")[0]


def show(node):
    """A node as the evidence names it: a split static function with its file."""
    name, _, file = node.partition("@")
    return f"{name} (static, {file})" if file else name


def unread(file, fn, failed, failed_fns):
    """Whether the scope pass left fn's facts in file unknown (failed_fns: the functions of a
    file tried one at a time that did not finish; other files failed whole)."""
    return file in failed and (file not in failed_fns or fn in failed_fns[file])


def why_not(node, graph, witness, scoped_calls, want_noio, failed=None, failed_fns=None):
    """(reason, evidence) for a function that does not run in scope: the path that escapes.

    failed: {file: status} of the files a scope pass could not read (a time-out): when every
    call that escapes comes from one (from a function of failed_fns, for a file tried one
    function at a time), the answer is undecided, not "no scope" (the pass may have found
    the scope there)."""
    failed, failed_fns = failed or {}, failed_fns or {}
    fn = name_of(node)
    if fn not in graph.defined:
        return "no-scope", f"{fn}: not a function the call graph knows"
    if fn in graph.refs:
        holder, file, line = graph.refs[fn]
        where = f"{holder} ({file})" if holder != "-" else f"file scope of {file}"
        return "address-taken", f"{fn}: its address is taken in {where}, so its callers cannot all be seen"
    if fn in graph.exported:
        return "exported", f"{fn}: exported, so modules may call it from outside any scope"
    if fn in graph.from_asm:
        return "asm-caller", f"{fn}: named in assembly or a linker script, a caller the analysis cannot see"
    calls = graph.node_callers(node)
    if not calls:
        return "no-scope", f"{fn}: no caller in the tree and no scope in the function"
    if fn in graph.ends_scope:
        return "no-scope", (f"{fn}: may end a scope itself (it calls a restore or stop helper, or a "
                            "name with no body the analysis can clear)")

    def covered(c):
        k = scoped_calls.get((c[1], c[2], c[3])) if c[2] else None
        return (k is not None and (k == "noio" or not want_noio)) or c[0] in witness
    outside = [c for c in calls if not covered(c)]
    if outside and all(unread(c[1], name_of(c[0]), failed, failed_fns) for c in outside):
        c = outside[0]
        return "undecided", (f"{show(node)} <- {name_of(c[0])} ({c[1]}): the scope pass could not analyse "
                             f"{c[1]} ({failed[c[1]]}), so whether this caller holds a scope is unknown: "
                             "scan again with a longer --timeout")

    def where(c):
        return f" ({c[1]})" if c[1] else (f" ({c[0].partition('@')[2]})" if "@" in c[0] else "")
    if outside and len(outside) < len(calls):
        return "dual-context", (f"{show(node)} <- {name_of(outside[0][0])}{where(outside[0])}: called outside "
                                "any scope, and inside one elsewhere")
    c = outside[0] if outside else calls[0]
    held = "no noio scope (a nofs scope does not cover GFP_NOIO)" if want_noio else "no scope"
    return "no-scope", f"{show(node)} <- {name_of(c[0])}{where(c)}: this caller holds {held}"
