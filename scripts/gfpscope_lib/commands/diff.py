"""`gfpscope diff REV1 REV2`: which sites appeared, disappeared or were converted.

Line numbers move between revisions, so sites are matched by what they are:
(file, enclosing function, receiving call, flag expression), as multisets,
the file followed through git's rename detection. What is left over is
classified, in this order:

  converted    a REV1 site whose file, function and call have, in REV2, one
               more GFP_KERNEL use than in REV1, with REV1's flags but the
               token replaced by GFP_KERNEL (gfplex --batch --kernel lists the
               GFP_KERNEL uses of just those files, in both revisions)
  changed      same file, function and call, other flags
  moved        same function, call and flags, another file
  disappeared, appeared
                       the rest of REV1's and of REV2's sites

So REV1's sites = unchanged + moved + changed + converted + disappeared, and
REV2's sites = unchanged + moved + changed + appeared.
"""
import collections
import re

from ..collect import lexsites
from ..core.atomic import FileSet, check_writable_dir
from ..emit import counts
from ..collect.gitrepo import GitRepo
from .history import BlobSites, revision, site_record

CLASSES = ("appeared", "disappeared", "converted", "changed", "moved")


def _key(s):
    return (s["function"], s["call"], s["flags"])


def _brief(s):
    return {k: s[k] for k in ("file", "line", "col", "function", "call", "flags", "kind", "subsystem")}


def _kernel_uses(repo, oids, jobs):
    """{oid: Counter of (function, call, flags)} of the GFP_KERNEL uses in each blob."""
    records, _, _ = repo.lex_blobs(lexsites.gfplex_binary(), sorted(set(oids)), jobs=jobs, kernel=True)
    out = {}
    for oid in oids:
        c = collections.Counter()
        for r in records.get(oid, []):
            if r[0] == "K":
                rec = site_record("", r[1:])
                c[_key(rec)] += 1
                out.setdefault(oid + ":sites", []).append(rec)
        out[oid] = c
    return out


def compare(repo, r1, r2, jobs=2):
    s1, s2 = r1["sites"], r2["sites"]
    files1 = {s["file"] for s in s1}
    files2 = {s["file"] for s in s2}
    blobs1, blobs2 = dict(r1["tree"]), dict(r2["tree"])
    # renames, among the files with sites that exist in only one of the revisions
    only = sorted((files1 - set(blobs2)) | (files2 - set(blobs1)))
    ren = repo.renames(r1["commit"], r2["commit"], only) if only else {}
    to2 = lambda f: ren.get(f, f)  # noqa: E731

    # 1. the same site: same file (through renames), function, call and flags
    left1 = collections.defaultdict(list)
    for s in s1:
        left1[(to2(s["file"]), _key(s))].append(s)
    pairs_same, rest2 = [], []
    for s in s2:
        lst = left1.get((s["file"], _key(s)))
        if lst:
            pairs_same.append((lst.pop(0), s))
        else:
            rest2.append(s)
    rest1 = sorted((s for lst in left1.values() for s in lst), key=lambda s: (s["file"], s["line"], s["col"]))
    moved = [{"from": _brief(a), "to": _brief(b), "why": "file renamed"}
             for a, b in pairs_same if a["file"] != b["file"]]
    unchanged = len(pairs_same) - len(moved)

    # 2. converted: one more GFP_KERNEL with the same function, call and flags
    converted, still1 = [], []
    if rest1:
        need1 = {blobs1[s["file"]] for s in rest1 if s["file"] in blobs1}
        need2 = {blobs2[to2(s["file"])] for s in rest1 if to2(s["file"]) in blobs2}
        uses = _kernel_uses(repo, need1 | need2, jobs)
        fresh = {}
        for f in sorted({s["file"] for s in rest1}):
            f2 = to2(f)
            if f2 not in blobs2:
                continue
            before = uses.get(blobs1.get(f), collections.Counter())
            after = uses.get(blobs2[f2], collections.Counter())
            fresh[f] = (after - before, [dict(k, file=f2) for k in uses.get(blobs2[f2] + ":sites", [])])
        for s in rest1:
            new, ksites = fresh.get(s["file"], (None, None))
            want = (s["function"], s["call"], re.sub(r"\b%s\b" % s["token"], "GFP_KERNEL", s["flags"], count=1))
            if new and new[want] > 0:
                new[want] -= 1
                to = next((k for k in ksites if _key(k) == want), None)
                if to is not None:
                    ksites.remove(to)
                converted.append({"from": _brief(s), "to": None if to is None else
                                  {k: to[k] for k in ("file", "line", "col", "function", "call", "flags")}})
            else:
                still1.append(s)
    rest1 = still1

    # 3. changed: same file, function and call, other flags
    def pair_off(rest1, rest2, key1, key2):
        pool = collections.defaultdict(list)
        for s in rest2:
            pool[key2(s)].append(s)
        pairs, left = [], []
        for s in rest1:
            lst = pool.get(key1(s))
            if lst:
                pairs.append((s, lst.pop(0)))
            else:
                left.append(s)
        used = {id(b) for _, b in pairs}
        return pairs, left, [s for s in rest2 if id(s) not in used]

    ch, rest1, rest2 = pair_off(rest1, rest2, lambda s: (to2(s["file"]), s["function"], s["call"]),
                                lambda s: (s["file"], s["function"], s["call"]))
    changed = [{"from": _brief(a), "to": _brief(b)} for a, b in ch]
    # 4. moved: same function, call and flags, in another file
    mv, rest1, rest2 = pair_off(rest1, rest2, _key, _key)
    moved += [{"from": _brief(a), "to": _brief(b), "why": "same function, call and flags"} for a, b in mv]

    result = {
        "rev1": {k: r1[k] for k in ("rev", "commit", "version")} | {"sites": len(s1)},
        "rev2": {k: r2[k] for k in ("rev", "commit", "version")} | {"sites": len(s2)},
        "matching": "sites are the same when file (through git's renames), function, call and flags are "
                    "equal, as multisets; then converted, changed, moved (see gfpscope diff --help)",
        "renames": ren,
        "totals": {"unchanged": unchanged, "appeared": len(rest2), "disappeared": len(rest1),
                   "converted": len(converted), "changed": len(changed), "moved": len(moved)},
        "appeared": [_brief(s) for s in rest2],
        "disappeared": [_brief(s) for s in rest1],
        "converted": converted, "changed": changed, "moved": moved,
    }
    result["by_subsystem"] = _by_subsystem(result, s1, s2)
    return result


# a row per subsystem (emit/counts.py), counted over (column, site): the sites of each
# revision, and those of each class
COLUMNS = [counts.Count(("rev1", "rev2") + CLASSES, lambda cs: cs[0])]


def _by_subsystem(d, s1, s2):
    """The rows per subsystem, a pair counted in its REV1 site's subsystem; the subsystems with
    the most sites of the classes first, then those with the most sites in REV2."""
    counted = ([("rev1", s) for s in s1] + [("rev2", s) for s in s2]
               + [(c, s) for c in ("appeared", "disappeared") for s in d[c]]
               + [(c, p["from"]) for c in ("converted", "changed", "moved") for p in d[c]])
    return counts.group(counted, lambda cs: cs[1]["subsystem"], COLUMNS,
                        rank=lambda r: (-sum(r[c] for c in CLASSES), -r["rev2"]))


def run(repo_path, rev1, rev2, out, jobs=2):
    repo = GitRepo(repo_path)
    repo.resolve(rev1)
    repo.resolve(rev2)
    check_writable_dir(out)
    cache = BlobSites()
    rs = []
    for rev in (rev1, rev2):
        r = revision(repo, rev, cache, jobs=jobs, maintainers=False, keep_tree=True)
        cache.save()
        rs.append(r)
    d = compare(repo, rs[0], rs[1], jobs)
    with FileSet(out, last="diff.json") as fs:  # one set: diff.json, which scripts read, last
        fs.text("diff.md", to_markdown(d))
        fs.json("diff.json", d)
        fs.publish()
    return d


def _site(s):
    where = f"{s['file']}:{s['line']}"
    return f"`{where}` {s['function'] or '(file scope)'}: {s['call'] or '(no call)'}({s['flags']})"


def to_markdown(d):
    a, b, t = d["rev1"], d["rev2"], d["totals"]
    lines = [f"# GFP_NOFS/GFP_NOIO sites from {a['rev']} to {b['rev']}", "",
             f"{a['rev']} ({a['version']}, {a['commit'][:12]}): {a['sites']} sites. "
             f"{b['rev']} ({b['version']}, {b['commit'][:12]}): {b['sites']} sites.", "",
             f"Unchanged {t['unchanged']}, appeared {t['appeared']}, disappeared {t['disappeared']}, "
             f"converted to GFP_KERNEL {t['converted']}, flags changed {t['changed']}, moved {t['moved']}.", "",
             "Matching: " + d["matching"] + ".", "",
             "| subsystem | " + a["rev"] + " | " + b["rev"] + " | appeared | disappeared | converted | changed | moved |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in d["by_subsystem"]:
        lines.append(f"| {r['subsystem']} | {r['rev1']} | {r['rev2']} | {r['appeared']} | {r['disappeared']} | "
                     f"{r['converted']} | {r['changed']} | {r['moved']} |")
    for c in CLASSES:
        items = d[c]
        lines += ["", f"## {c.capitalize()} ({len(items)})", ""]
        if not items:
            lines.append("None.")
            continue
        by = collections.defaultdict(list)
        for it in items:
            s = it if "file" in it else it["from"]
            by[s["subsystem"]].append(it)
        for sub in sorted(by):
            lines.append(f"- **{sub}**")
            for it in by[sub]:
                if "file" in it:
                    lines.append(f"  - {_site(it)}")
                else:
                    to = it["to"]
                    tail = f" → `{to['file']}:{to['line']}` {to['flags']}" if to else ""
                    lines.append(f"  - {_site(it['from'])}{tail}")
    return "\n".join(lines) + "\n"


def short_table(d, n=15):
    rows = [r for r in d["by_subsystem"] if any(r[c] for c in CLASSES)][:n]
    w = max([len(r["subsystem"]) for r in rows] + [9])
    lines = [f"{'subsystem':<{w}}  {'before':>6}  {'after':>6}  {'+new':>5}  {'-gone':>5}  {'conv':>5}  "
             f"{'chg':>5}  {'moved':>5}"]
    for r in rows:
        lines.append(f"{r['subsystem']:<{w}}  {r['rev1']:>6}  {r['rev2']:>6}  {r['appeared']:>5}  "
                     f"{r['disappeared']:>5}  {r['converted']:>5}  {r['changed']:>5}  {r['moved']:>5}")
    return "\n".join(lines)


def summary_line(d):
    t = d["totals"]
    return (f"diff {d['rev1']['rev']} ({d['rev1']['sites']} sites) -> {d['rev2']['rev']} ({d['rev2']['sites']} sites): "
            f"{t['appeared']} appeared, {t['disappeared']} disappeared, {t['converted']} converted, "
            f"{t['changed']} changed, {t['moved']} moved, {t['unchanged']} unchanged")
