"""What a convert verdict rests on, recorded by scan and checked again before any rewrite.

scan gives every convert site a `proof` record (data, not prose):
  call    the allocation call the scope covers in the site's own function, when the proof
          is local: {callee, file, line, col}
  chain   the call edges from the site's function up to the function that holds the scope,
          each {caller, callee, file, line, col} (line 0: a call the graph keeps no position of)
  scope   {opener, function, file, line}: the save, flag write or transaction start
  files   {path: git blob id} of every file the verdict depends on: the site's file, the
          files that define each function on the chain and hold its calls, the scope's
          file, and the files that define the provider start and the starts it goes through

`check()` runs in front of every rewrite (patch, series). From the files as they are now,
independently of the scan's analysis, it requires: each file's blob id equals the scan's;
the lexer finds the token at the site's position; the site's function is defined around it;
every edge and the opener are calls the lexer finds where the record says. Anything that
does not hold refuses the rewrite, naming the file.
"""
import hashlib
import re

from ..collect import lexsites
from ..core import textpos
from ..core.errors import GfpError


def blob_id(data):
    """git's blob id of data: what `git hash-object` prints."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def file_id(tree, rel):
    try:
        with open(tree.abspath(rel), "rb") as f:
            return blob_id(f.read())
    except OSError:
        return None


def _name(node):
    return node.partition("@")[0]


def _chain_edges(fn, witness):
    """The call edges by function name (what the lexer checks), and the scope's position."""
    edges, seen, w = [], {fn}, witness.get(fn)
    while w:
        edges.append({"caller": _name(w[1]), "callee": _name(fn), "file": w[2], "line": w[3], "col": w[4],
                      "nodes": (w[1], fn)})
        if w[0] == "scope" or w[1] in seen:
            return edges, (w[2], w[3], w[4]) if w[0] == "scope" else None
        fn = w[1]
        seen.add(fn)
        w = witness.get(fn)
    return edges, None


def build(site, ipa, witness=None, region=None, local=None, node=None):
    """The proof record of one convert site (files are filled in by add_digests).

    region: the position of the site's own covered call (a local proof through the
    region pass); witness: the caller witnesses (a proof through callers); local: the
    (save, line) that gfp_scope_redundant names, for a local-scope site."""
    graph, prov = ipa["graph"], ipa.get("providers")
    files = {site["file"]}
    rec = {"call": None, "chain": [], "scope": None}
    if region is not None:
        rec["call"] = {"callee": site["call"], "file": region[0], "line": region[1], "col": region[2]}
        key = region
    else:
        rec["chain"], key = _chain_edges(node or site["function"], witness)
    for e in rec["chain"]:
        for fn in e.pop("nodes"):
            name, _, own = fn.partition("@")
            files.update((own,) if own else graph.def_files.get(name, ()))
        files |= {f for _c, f, _l, _k in graph.callers(e["callee"]) if f}
    if key is not None:
        opener = ipa["openers"].get(key)
        holder = rec["chain"][-1]["caller"] if rec["chain"] else site["function"]
        rec["scope"] = {"opener": opener, "function": holder, "file": key[0],
                        "line": ipa["save_lines"].get(key)}
        files.add(key[0])
        wrap = ipa.get("wraps", {}).get((opener or "").partition("(")[0])
        if wrap:  # a wrapper macro's use: its #defines are what makes it one
            files |= {f for f, _l in wrap["defs"]}
        if prov and opener in prov.starts:
            for fn in [opener] + list(prov.starts[opener].get("via", [])):
                files.update(graph.def_files.get(fn, ()))
        tok = (ipa.get("tokens") or {}).get((opener or "").partition(":")[2].partition(":")[0])
        if tok:  # what made the type a token: its seeds, creators, handovers and stops
            for fn in tok["seeds"] + [c["fn"] for c in tok.get("creators") or ()] + \
                    list(tok.get("handovers") or ()) + [st["fn"] for st in tok.get("stops") or ()]:
                files.update(graph.def_files.get(fn, ()))
    if local is not None and rec["scope"] is None:
        rec["scope"] = {"opener": local[0], "function": site["function"], "file": site["file"],
                        "line": local[1]}
    rec["files"] = sorted(files)
    return rec


def add_digests(tree, sites):
    """Replace each proof's file list by {file: blob id} of the files as scanned."""
    ids = {}
    for s in sites:
        p = s.get("proof")
        if not p:
            continue
        out = {}
        for rel in p["files"]:
            if rel not in ids:
                ids[rel] = file_id(tree, rel)
            out[rel] = ids[rel]
        p["files"] = out


# ---------------------------------------------------------------- the check before a rewrite

def _lex(tree, files):
    """FN and CALL records of these files, by gfplex --graph (only these files are read)."""
    fns, calls = {}, set()
    for f in lexsites.graph_records(tree, files):
        if f[0] == "FN" and len(f) >= 7:
            fns.setdefault((f[1], f[2]), []).append((int(f[5]), int(f[6])))
        elif f[0] == "CALL" and len(f) >= 6:
            calls.add((f[1], f[2], f[3], int(f[4]), int(f[5])))
    return fns, calls


def check(tree, sites):
    """Refuse (GfpError naming the file) unless every convert site's proof still holds."""
    need = set()
    for s in sites:
        p = s.get("proof")
        if not isinstance(p, dict) or not isinstance(p.get("files"), dict) or not p["files"]:
            raise GfpError(f"{s.get('file')}:{s.get('line')}: the scan recorded no proof for this "
                           "convert: run `gfpscope scan` again with this gfpscope")
        need |= set(p["files"])
    now = {rel: file_id(tree, rel) for rel in sorted(need)}
    for s in sites:
        for rel, want in sorted(s["proof"]["files"].items()):
            if now[rel] != want:
                what = "the file is gone" if now[rel] is None else "its content is not what was scanned"
                raise GfpError(f"{rel}: the tree changed since the scan ({what}, and the proof of "
                               f"{s['file']}:{s['line']} rests on it): run `gfpscope scan` again")
    fns, calls = _lex(tree, need)
    site_lists = {}
    for s in sites:
        _check_site(tree, s, fns, calls, site_lists)


def _fail(s, why):
    raise GfpError(f"{s['file']}:{s['line']}: {why}; the scan's proof does not hold: "
                   "run `gfpscope scan` again")


def _calls_in(calls, file, caller, callee):
    return any(c[0] == file and c[1] == caller and c[2] == callee for c in calls)


def _check_site(tree, s, fns, calls, site_lists):
    rel = s["file"]
    if rel not in site_lists:
        got, errors, _ = lexsites.lex_tree(tree, [rel])
        site_lists[rel] = {(x["line"], x["col"]): x["kind"] for x in got}
    if site_lists[rel].get((s["line"], s["col"])) != s["kind"]:
        _fail(s, f"the lexer finds no GFP_{s['kind'].upper()} there")
    fn = s.get("function")
    spans = fns.get((rel, fn), [])
    if not fn or not any(a <= s["line"] <= b for a, b in spans):
        _fail(s, f"{fn or 'no function'} is not defined around the site")
    p = s["proof"]
    c = p.get("call")
    if c and (c["file"], fn, c["callee"], c["line"], c["col"]) not in calls:
        _fail(s, f"no call of {c['callee']}() at {c['file']}:{c['line']}:{c['col']}")
    if not c and s.get("call") and not _calls_in(calls, rel, fn, s["call"]):
        _fail(s, f"{fn} no longer calls {s['call']}()")
    for e in p.get("chain", []):
        ok = ((e["file"], e["caller"], e["callee"], e["line"], e["col"]) in calls if e["line"]
              else _calls_in(calls, e["file"], e["caller"], e["callee"]))
        if not ok:
            _fail(s, f"the evidence chain cites {e['caller']}() calling {e['callee']}() in {e['file']}, "
                     "and there is no such call")
    sc = p.get("scope")
    if not sc or not sc.get("opener") or not sc.get("line"):
        _fail(s, "the proof names no scope")
    if sc["opener"].startswith("token:"):
        # a live handle: the parameter is dereferenced on the cited line
        param = sc["opener"].rpartition(":")[2]
        with open(tree.abspath(sc["file"]), "rb") as f:
            line = textpos.line_at(f.read(), sc["line"]) or b""
        handle = rb"\s*->\s*".join(re.escape(x.encode()) for x in param.split("->"))  # tp, or cur->bc_tp
        ok = re.search(rb"\b%s\s*->" % handle, line) is not None
    elif sc["opener"].startswith("PF_MEMALLOC_"):
        with open(tree.abspath(sc["file"]), "rb") as f:
            line = textpos.line_at(f.read(), sc["line"]) or b""
        ok = sc["opener"].encode() in line
    else:
        # memalloc_flags_save(PF_MEMALLOC_NOFS): the call is memalloc_flags_save
        name = sc["opener"].partition("(")[0]
        ok = any(x[0] == sc["file"] and x[1] == sc["function"] and x[2] == name and x[3] == sc["line"]
                 for x in calls)
    if not ok:
        _fail(s, f"the scope it cites, {sc['opener']} in {sc['function']}() at {sc['file']}:{sc['line']}, "
                 "is not there")
