"""`gfpscope history`: the census of each revision of a kernel git repository.

Nothing is checked out. For each revision, `git ls-tree -r` lists the .c and
.h blobs; the blobs not seen before are streamed by `git cat-file --batch`
into `gfplex --batch`, the same lexer with the same rules as `scan`, and its
site records are cached per blob id (the records of a blob never change). A
further revision therefore lexes only the blobs that changed. The sites are
then attributed to subsystems as `scan` does: by directory, and by the
MAINTAINERS section get_maintainer.pl names, worked out from that revision's
own MAINTAINERS (see subsystems.GetMaintainerRules; the script itself runs,
in a skeleton of the revision's directories, only for the files Python
cannot decide).
"""
import glob
import hashlib
import json
import os
import shutil
import tempfile
import time

from ..emit import counts, historychart
from ..collect import lexsites
from ..core import paths, sites as sites_file
from ..core.atomic import FileSet, check_writable_dir, write_text
from ..core.errors import GfpError
from ..core.log import log
from ..collect.gitrepo import GitRepo, makefile_version, wanted
from ..collect.subsystems import NONE, Maintainers, dir_subsystem


class BlobSites:
    """gfplex's site records per blob id, cached under CACHE/lexsites/KEY/.

    KEY is a hash of gfplex's sources, so a changed lexer starts afresh. Each
    run that lexed something adds one pack file (written atomically, never
    rewritten), so concurrent runs cannot tear each other's entries; packs
    are merged into one when there are many.
    """
    MAX_PACKS = 16

    def __init__(self):
        srcs, hdrs = lexsites.gfplex_sources()
        h = hashlib.sha1()
        for f in srcs + hdrs:
            with open(f, "rb") as fh:
                h.update(fh.read())
        self.dir = os.path.join(paths.cache_home(), "lexsites", h.hexdigest()[:16])
        self.map, self.new = {}, {}
        self.packs = sorted(glob.glob(os.path.join(self.dir, "pack-*.json")))
        for p in self.packs:
            try:
                with open(p, encoding="utf-8") as f:
                    d = json.load(f)
                empty, sites = d.get("empty", []), d.get("sites", {})
                if not all(isinstance(o, str) for o in empty) or not all(
                        isinstance(o, str) and isinstance(rs, list) and all(_is_record(r) for r in rs)
                        for o, rs in sites.items()):
                    continue  # not what save() writes: lexed again
                for oid in empty:
                    self.map[oid] = []
                self.map.update(sites)
            except (OSError, ValueError, AttributeError, TypeError):
                pass  # a pack that does not load only costs time

    def __contains__(self, oid):
        return oid in self.map

    def get(self, oid):
        return self.map[oid]

    def add(self, oids, records):
        for oid in oids:
            recs = [r[1:] for r in records.get(oid, []) if r[0] == "S"]
            self.map[oid] = self.new[oid] = recs

    @staticmethod
    def _pack(entries):
        return json.dumps({"empty": sorted(o for o, r in entries.items() if not r),
                           "sites": {o: r for o, r in sorted(entries.items()) if r}},
                          separators=(",", ":"))

    def save(self):
        if not self.new:
            return
        try:
            if len(self.packs) >= self.MAX_PACKS:
                text = self._pack(self.map)
                name = os.path.join(self.dir, "pack-%s.json" % hashlib.sha1(text.encode()).hexdigest()[:16])
                write_text(name, text)
                for p in self.packs:
                    if p != name:
                        try:
                            os.unlink(p)
                        except OSError:
                            pass
                self.packs = [name]
            else:
                text = self._pack(self.new)
                name = os.path.join(self.dir, "pack-%s.json" % hashlib.sha1(text.encode()).hexdigest()[:16])
                write_text(name, text)
                self.packs.append(name)
        except GfpError:
            pass  # a cache that cannot be written only costs time
        self.new = {}


def _is_record(rec):
    """A cached site record as site_record reads it: eight strings, line and column numbers."""
    return (isinstance(rec, list) and len(rec) == 8 and all(isinstance(x, str) for x in rec)
            and rec[0].isdigit() and rec[1].isdigit())


def site_record(path, rec):
    line, col, tok, ctx, call, flags, func, macro = rec
    return {"file": path, "line": int(line), "col": int(col),
            "kind": "nofs" if tok == "GFP_NOFS" else "noio", "token": tok, "ctx": ctx,
            "function": None if func == "-" else func, "call": None if call == "-" else call,
            "flags": flags, "macro": None if macro == "-" else macro,
            "subsystem": dir_subsystem(path)}


class _Skeleton:
    """What get_maintainer.pl reads, in a temporary directory, without a checkout:
    MAINTAINERS, the script, and each file it is asked about (written just
    before). The script adds a / to the F: and X: patterns that name a
    directory of the tree (perl's -d); the skeleton has no directories, so
    its MAINTAINERS has that / written in already, from the revision's list
    of directories. Making thousands of empty directories would cost more
    than the whole lexing of a revision."""

    def __init__(self, repo, blobs, isdir, mtext):
        self.repo = repo
        self.blob = blobs
        self.path = tempfile.mkdtemp(prefix="gfpscope-maint.")
        try:
            lines = mtext.split(b"\n")
            for i, line in enumerate(lines):
                if line[:2] in (b"F:", b"X:"):
                    val = line[2:].decode("utf-8", "replace").lstrip()
                    conv = val.replace(".", "\\.").replace("*", ".*").replace("?", ".")
                    if isdir(conv) and not conv.endswith("/"):
                        lines[i] = line + b"/"
            with open(os.path.join(self.path, "MAINTAINERS"), "wb") as f:
                f.write(b"\n".join(lines))
            for rel in ("scripts/get_maintainer.pl", ".get_maintainer.ignore"):
                self.write(rel)
        except OSError as e:
            self.close()
            raise GfpError(f"cannot make a temporary tree for get_maintainer.pl: {e.strerror}")

    def write(self, rel):
        full = os.path.join(self.path, rel)
        if rel in self.blob and not os.path.exists(full):
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "wb") as f:
                f.write(self.repo.read_blob(self.blob[rel]))

    def close(self):
        shutil.rmtree(self.path, ignore_errors=True)


def revision(repo, rev, cache, jobs=2, maintainers=True, keep_tree=False):
    """The sites of one revision and how they were found."""
    t0 = time.time()
    commit = repo.resolve(rev)
    files, dirs = repo.ls_tree(commit)
    t_list = time.time()
    cfiles = [(p, o) for p, o in files if wanted(p)]
    oids = sorted({o for _, o in cfiles})
    missing = [o for o in oids if o not in cache]
    records, errors, nbytes = repo.lex_blobs(lexsites.gfplex_binary(), missing, jobs=jobs)
    bad = {o for o, _ in errors}
    cache.add([o for o in missing if o not in bad], records)
    sites, unreadable = [], []
    for path, oid in cfiles:
        if oid in bad:
            unreadable.append({"file": path, "error": next(e for o, e in errors if o == oid)})
            continue
        for rec in cache.get(oid):
            sites.append(site_record(path, rec))
    sites.sort(key=lambda s: (s["file"], s["line"], s["col"]))
    t_lex = time.time()
    blobs = dict(files)
    version = makefile_version(repo.read_blob(blobs["Makefile"])) if "Makefile" in blobs else None
    method = "none"
    emulated = asked = 0
    if maintainers and "MAINTAINERS" in blobs:
        with_sites = sorted({s["file"] for s in sites})
        mtext = repo.read_blob(blobs["MAINTAINERS"])
        isdir = lambda p: p.rstrip("/") in dirs  # noqa: E731
        skel = _Skeleton(repo, blobs, isdir, mtext)
        try:
            m = Maintainers(skel, jobs=jobs, emulate=True, before_ask=skel.write, isdir=isdir, mtext=mtext)
            owners = m.lookup(with_sites)
            method, emulated, asked = m.method, m.emulated, m.asked
        finally:
            skel.close()
        for s in sites:
            s["maintainers"] = owners[s["file"]]
    else:
        for s in sites:
            s["maintainers"] = NONE
    return {
        "rev": rev, "commit": commit, "version": version, "sites": sites,
        "files": {"c_files": len(cfiles), "blobs": len(oids), "lexed": len(missing), "lexed_bytes": nbytes,
                  "from_cache": len(oids) - len(missing), "unreadable": unreadable},
        "maintainers_from": method,
        "maintainers_lookups": {"python": emulated, "get_maintainer.pl": asked},
        "seconds": round(time.time() - t0, 2),
        "timing": {"list": round(t_list - t0, 2), "lex": round(t_lex - t_list, 2),
                   "maintainers": round(time.time() - t_lex, 2)},
        "tree": files if keep_tree else None,
        "oids": set(oids),
    }


def attach_scan(rev, sites, scan_dir):
    """Verdicts from a scan of the same tree (DIR/sites.json), matched by position."""
    p = os.path.join(scan_dir, "sites.json")
    scanned = sites_file.load(scan_dir)
    by_pos = {(s["file"], s["line"], s["col"]): s for s in scanned}
    mine = {(s["file"], s["line"], s["col"]) for s in sites}
    if set(by_pos) != mine:
        raise GfpError(f"{p} is not a scan of {rev}: {len(set(by_pos) ^ mine)} sites differ "
                       f"({len(by_pos)} there, {len(mine)} in {rev})")
    for s in sites:
        o = by_pos[(s["file"], s["line"], s["col"])]
        s.update({k: o.get(k) for k in ("parsed", "unparsed_reason", "verdict", "reason", "confidence")})


def analyse(repo, r, out, jobs, quiet, timeout):
    """Run the full scan on the revision, exported into a temporary directory."""
    from . import scan
    from ..core.tree import KernelTree
    tmp = tempfile.mkdtemp(prefix="gfpscope-rev.")
    try:
        tree_dir = os.path.join(tmp, "tree")
        os.makedirs(tree_dir)
        arch = os.path.join(tmp, "rev.tar")
        with open(arch, "wb") as f:
            f.write(repo.git("archive", "--format=tar", r["commit"], text=False))
        import tarfile
        with tarfile.open(arch) as tf:
            tf.extractall(tree_dir)
        os.unlink(arch)
        dest = os.path.join(out, "scans", _safe(r["rev"]))
        check_writable_dir(dest)
        scan.run(KernelTree(tree_dir), dest, jobs=jobs, quiet=quiet, timeout=timeout)
        attach_scan(r["rev"], r["sites"], dest)
        return dest
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _safe(rev):
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in rev)


def summarize(r, verdicts_from=None):
    sites = r["sites"]
    # the verdicts' counts only where a scan gave them
    more = [counts.VERDICT, counts.PARSED] if verdicts_from is not None else []
    columns = [counts.KIND, counts.TOTAL] + more
    # no times here: the committed reference outputs stay the same from run to run
    out = {k: r[k] for k in ("rev", "commit", "version", "files", "maintainers_from", "maintainers_lookups")}
    out.update({"verdicts_from": verdicts_from,
                "totals": counts.total(sites, [counts.every("sites"), counts.KIND] + more),
                "by_directory": counts.group(sites, "subsystem", columns),
                "by_maintainers": counts.group(sites, "maintainers", columns)})
    return out


def run(repo_path, revs, out, jobs=2, quiet=False, scans=None, do_analyse=False, timeout=120, top=10):
    repo = GitRepo(repo_path)
    revs = repo.expand(revs)
    for rev in revs:
        repo.resolve(rev)  # every revision exists before minutes of work
    scans = scans or {}
    for rev in scans:
        if rev not in revs:
            raise GfpError(f"--scan {rev}=...: {rev} is not one of the revisions given")
    check_writable_dir(out)
    cache = BlobSites()
    rows, prev = [], None
    for rev in revs:
        r = revision(repo, rev, cache, jobs=jobs)
        cache.save()
        # blobs this revision has that the one before it has not: what it costs, cache aside
        r["files"]["new_blobs"] = len(r["oids"] - prev) if prev is not None else len(r["oids"])
        prev = r["oids"]
        src = None
        if rev in scans:
            attach_scan(rev, r["sites"], scans[rev])
            src = scans[rev]
        elif do_analyse:
            src = analyse(repo, r, out, jobs, quiet, timeout)
        rows.append(summarize(r, src))
        f = r["files"]
        if not quiet:
            log.info(f"{rev} ({r['version']}): {len(r['sites'])} sites; lexed {f['lexed']} blobs, "
                     f"{f['from_cache']} from cache; {r['seconds']:.1f} s")
        for u in f["unreadable"]:  # -q too: a file not counted is never silent
            log.warning(f"{rev}:{u['file']}: {u['error']}")
    home = os.path.expanduser("~")
    shown = "~" + repo.path[len(home):] if repo.path.startswith(home + os.sep) else repo.path
    h = {"repo": shown, "revisions": rows}

    # one set (atomic.FileSet): history.json, which scripts read, goes in last
    with FileSet(out, last="history.json") as fs:
        fs.text("history.csv", to_csv(h))
        fs.text("history.md", to_markdown(h, top))
        fs.path("history.png")
        historychart.write(h, fs.path("history.svg")[:-len(".svg")], top)
        fs.json("history.json", h)
        fs.publish()
    return h


def _cell(v):
    return "" if v is None else v


def to_csv(h):
    import csv
    import io
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["revision", "version", "commit", "grouping", "subsystem", "nofs", "noio", "total",
                "convert", "keep"])
    for r in h["revisions"]:
        t = r["totals"]
        w.writerow([r["rev"], r["version"], r["commit"], "all", "(all)", t["nofs"], t["noio"], t["sites"],
                    _cell(t.get("convert")), _cell(t.get("keep"))])
        for grouping, key in (("directory", "by_directory"), ("maintainers", "by_maintainers")):
            for x in r[key]:
                w.writerow([r["rev"], r["version"], r["commit"], grouping, x["subsystem"], x["nofs"], x["noio"],
                            x["total"], _cell(x.get("convert")), _cell(x.get("keep"))])
    return buf.getvalue()


def series(h, key):
    """{subsystem: [total per revision]} and the names, most sites in the last revision first."""
    names = {}
    for i, r in enumerate(h["revisions"]):
        for x in r[key]:
            names.setdefault(x["subsystem"], [0] * len(h["revisions"]))[i] = x["total"]
    order = sorted(names, key=lambda n: (-names[n][-1], -max(names[n]), n))
    return names, order


def _wide(h, key, title):
    names, order = series(h, key)
    revs = [r["rev"] for r in h["revisions"]]
    conv = [{x["subsystem"]: x.get("convert") for x in r[key]} for r in h["revisions"]]
    last_conv = any(v is not None for v in conv[-1].values())
    head = "| subsystem | " + " | ".join(revs) + (" | change |" if len(revs) > 1 else " |") + \
        (" convert (last) |" if last_conv else "")
    sep = "|---|" + "---:|" * len(revs) + ("---:|" if len(revs) > 1 else "") + ("---:|" if last_conv else "")
    lines = [f"### {title}", "", head, sep]
    for n in order:
        v = names[n]
        row = f"| {n} | " + " | ".join(str(x) for x in v) + " |"
        if len(revs) > 1:
            row += f" {v[-1] - v[0]:+d} |"
        if last_conv:
            row += f" {conv[-1].get(n) if conv[-1].get(n) is not None else 0} |"
        lines.append(row)
    return "\n".join(lines) + "\n"


def to_markdown(h, top=10):
    lines = ["# GFP_NOFS/GFP_NOIO sites over revisions", "",
             f"Repository: `{h['repo']}`. Counts are gfplex's census of each revision's .c/.h blobs, "
             "the same as `gfpscope scan` counts in a checked-out tree. Subsystems by directory and by "
             "MAINTAINERS section (the section the revision's own get_maintainer.pl names).", "",
             "| revision | version | commit | sites | GFP_NOFS | GFP_NOIO | convert | keep | .c/.h blobs | new blobs |",
             "|---|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in h["revisions"]:
        t, f = r["totals"], r["files"]
        lines.append(f"| {r['rev']} | {r['version']} | {r['commit'][:12]} | {t['sites']} | {t['nofs']} | "
                     f"{t['noio']} | {_cell(t.get('convert')) if 'convert' in t else '-'} | "
                     f"{_cell(t.get('keep')) if 'keep' in t else '-'} | {f['blobs']} | {f['new_blobs']} |")
    lines += ["", "convert/keep: the verdicts of a scan of that revision (`--scan REV=DIR` or `--analyse`); "
              "`-` where none was run. New blobs: .c/.h contents the revision before it does not have, the only "
              "ones gfplex reads when that revision is cached.", "",
              "![sites per subsystem over revisions](history.svg)", ""]
    return "\n".join(lines) + "\n" + _wide(h, "by_directory", "By directory") + "\n" + \
        _wide(h, "by_maintainers", "By MAINTAINERS section")


def short_table(h, n=12):
    names, order = series(h, "by_directory")
    revs = [r["rev"] for r in h["revisions"]]
    w = max([len(x) for x in order[:n]] + [9])
    cw = max([len(r) for r in revs] + [6])
    lines = [f"{'subsystem':<{w}}  " + "  ".join(f"{r:>{cw}}" for r in revs)]
    tot = [r["totals"]["sites"] for r in h["revisions"]]
    lines.append(f"{'(all)':<{w}}  " + "  ".join(f"{x:>{cw}}" for x in tot))
    for s in order[:n]:
        lines.append(f"{s:<{w}}  " + "  ".join(f"{x:>{cw}}" for x in names[s]))
    return "\n".join(lines)
