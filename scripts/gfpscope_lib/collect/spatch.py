"""Running spatch: version check, one process per file, a per-content cache.

One process per file contains spatch's faults: a file that times out or
crashes spatch loses only its own facts, which are then reported as unparsed.
Results are cached by file content, rule and spatch version, so an
interrupted run resumes where it stopped and a second run re-parses only
files that changed.
"""
import concurrent.futures as cf
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading

from . import masking
from ..core import paths
from ..core.atomic import write_text
from ..core.errors import GfpError
from ..core.progress import Progress

MIN_VERSION = (1, 1, 0)
PREFIX = "GFPSCOPE "


def spatch_exe():
    return os.environ.get("GFPSCOPE_SPATCH") or "spatch"


def spatch_env():
    """The environment spatch runs in. spatch dies at start ("Fatal error: exception
    Not_found") when HOME is unset, as under some CI runners, cron or `env -i`: it then
    gets the user's home from the password database, or a directory that does not exist
    (it only looks there for a .cocciconfig)."""
    if os.environ.get("HOME"):
        return None
    try:
        import pwd
        home = pwd.getpwuid(os.getuid()).pw_dir
    except (ImportError, KeyError):
        home = None
    return dict(os.environ, HOME=home if home and os.path.isdir(home) else "/nonexistent")


_VERSIONS = {}  # spatch executable -> its version: asked once per run, not once per rule


def spatch_version():
    exe = spatch_exe()
    if exe not in _VERSIONS:
        _VERSIONS[exe] = _ask_version(exe)
    return _VERSIONS[exe]


def _ask_version(exe):
    if not shutil.which(exe):
        raise GfpError(f"spatch not found ({exe}): install Coccinelle (apt-get install coccinelle, or make setup)")
    try:
        p = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=60, env=spatch_env())
    except (OSError, subprocess.TimeoutExpired) as e:
        raise GfpError(f"spatch does not run ({exe}): {e}")
    out = p.stdout
    m = re.search(r"spatch version (\d+)\.(\d+)\.(\d+)", out)
    if not m and p.returncode:
        # spatch itself failed: say how, not that its version is too old
        said = (p.stderr.strip().splitlines() or [f"exit status {p.returncode}"])[-1][:200]
        raise GfpError(f"spatch does not run ({exe} --version: {said})")
    if not m:
        raise GfpError(f"cannot tell spatch's version from '{out.strip()[:60]}': gfpscope needs spatch >= 1.1.0")
    v = tuple(int(x) for x in m.groups())
    if v < MIN_VERSION:
        raise GfpError("spatch %d.%d.%d is too old: gfpscope's rules need spatch >= %d.%d.%d" % (v + MIN_VERSION))
    return "%d.%d.%d" % v


def file_digest(data):
    """The git blob id of the content: the same key git would give the file."""
    h = hashlib.sha1(b"blob %d\0" % len(data))
    h.update(data)
    return h.hexdigest()


class FactCache:
    """Facts per (rule, spatch version, options, file content), one JSON file each.

    Entries are written atomically, so a kill at any moment leaves either the
    whole entry or none; an entry that does not load is ignored and replaced.
    """

    def __init__(self, rule_path, spatch_ver, options):
        with open(rule_path, "rb") as f:
            rule = f.read()
        key = hashlib.sha1(rule + spatch_ver.encode() + json.dumps(options).encode()).hexdigest()[:16]
        self.dir = os.path.join(paths.cache_home(), "facts", key)

    def _path(self, digest):
        return os.path.join(self.dir, digest[:2], digest + ".json")

    def get(self, digest, rel):
        """The entry for this content, its records naming rel; None if there is none."""
        try:
            with open(self._path(digest), encoding="utf-8", errors="surrogateescape") as f:
                entry = json.load(f)
            # the shape a result has (_run_batch): an entry of another is analysed again
            if isinstance(entry, dict) and entry.get("digest") == digest and \
                    isinstance(entry.get("status"), str) and isinstance(entry.get("detail"), str) and \
                    isinstance(entry.get("records"), list) and all(isinstance(r, dict) for r in entry["records"]):
                # two files of one content share the entry: the records name the file that
                # asks (named, it gave the first file's positions to the second's facts).
                # An entry without "name" is older: its records' file is the name.
                name = entry.pop("name", None) or next((r["file"] for r in entry["records"]
                                                        if isinstance(r.get("file"), str)), None)
                return _renamed(entry, name, rel) if isinstance(name, str) else entry
        except (OSError, ValueError):
            pass
        return None

    def put(self, digest, entry, rel):
        """Keep a result of the file spatch read as rel (its records name rel)."""
        entry = dict(entry, digest=digest, name=os.path.normpath(rel))
        try:
            write_text(self._path(digest), json.dumps(entry))
        except GfpError:
            pass  # a cache that cannot be written only costs time


REPORT_LINE = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<col>\d+)-(?P<colend>\d+): (?P<msg>.*)$")


def parse_facts(out):
    """GFPSCOPE-prefixed JSON lines, each carrying the file it is about."""
    recs = []
    for line in out.splitlines():
        if line.startswith(PREFIX):
            try:
                recs.append(json.loads(line[len(PREFIX):]))
            except ValueError:
                pass
    return recs


def parse_report(out):
    """coccicheck report lines: FILE:LINE:COL-COL: MESSAGE."""
    recs = []
    for line in out.splitlines():
        m = REPORT_LINE.match(line)
        if m:
            recs.append({"file": m["file"], "line": int(m["line"]), "col": int(m["col"]),
                         "colend": int(m["colend"]), "msg": m["msg"]})
    return recs


EXN = re.compile(r"^EXN: (?P<exn>.*) in (?P<file>\S+)\s*$")


def _file_failures(err):
    """{file: (status, detail)} from spatch's 'EXN: <exception> in FILE' lines."""
    out = {}
    for line in err.splitlines():
        m = EXN.match(line)
        if m:
            f = os.path.normpath(m["file"])
            status = "timeout" if "Timeout" in m["exn"] else "error"
            out[f] = (status, m["exn"][:200])
    return out


_live = set()  # running spatch processes, killed on Ctrl-C or SIGTERM
_lock = threading.Lock()
_stopping = threading.Event()  # set by kill_running: no worker starts another spatch


class Stopped(Exception):
    """A worker asked to start spatch after kill_running: the run is being abandoned."""


def kill_running():
    """Kill every running spatch and let no worker start another (a batch whose process
    was killed would otherwise be re-run file by file, and the interpreter waits for
    its worker threads before it exits)."""
    with _lock:
        _stopping.set()
        for p in list(_live):
            try:
                p.kill()
            except OSError:
                pass


def _run_batch(cwd, rule, rels, timeout, defines, parse):
    """One spatch process for several files; {rel: result} for each of them.

    --file-groups with one file per group makes spatch treat each file on
    its own (plain arguments would be matched as one group) and report a
    file's timeout or exception as 'EXN: ... in FILE' and go on. Returns
    None when the process itself failed, so the caller can retry the files
    one by one and lose only the one that makes spatch fail.
    """
    args = [spatch_exe(), "--quiet", "--no-includes", "--include-headers",
            "--timeout", str(timeout), "--sp-file", rule]
    for k, v in defines.items():
        args += ["-D", f"{k}={v}" if v is not None else k]
    # file names are bytes, kept in str as surrogates (lexsites.py) and given back as they were
    with tempfile.NamedTemporaryFile("w", prefix="gfpscope-groups.", suffix=".txt",
                                     errors="surrogateescape") as groups:
        groups.write("\n\n".join(rels) + "\n")
        groups.flush()
        with _lock:
            if _stopping.is_set():
                raise Stopped()
            try:
                p = subprocess.Popen(args + ["--file-groups", groups.name], cwd=cwd, env=spatch_env(),
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            except OSError as e:
                raise GfpError(f"cannot run spatch: {e}")
            _live.add(p)
        try:
            out_b, err_b = p.communicate(timeout=timeout * len(rels) + 60)
        except subprocess.TimeoutExpired:
            p.kill()
            p.communicate()
            if len(rels) == 1:
                return {rels[0]: {"status": "timeout", "records": [], "detail": f"spatch ran over {timeout}s"}}
            return None
        finally:
            _live.discard(p)
    out = out_b.decode("utf-8", "surrogateescape")
    err = err_b.decode("utf-8", "surrogateescape")
    if p.returncode:
        if len(rels) > 1:
            return None
        last = [l for l in err.strip().splitlines() if l.strip()][-1:] or [f"exit status {p.returncode}"]
        return {rels[0]: {"status": "error", "records": [], "detail": last[0][:200]}}
    res = {rel: {"status": "ok", "records": [], "detail": ""} for rel in rels}
    for rec in parse(out):
        f = os.path.normpath(rec.get("file", ""))
        if f in res:
            res[f]["records"].append(rec)
    for f, (status, detail) in _file_failures(err).items():
        if f in res:
            res[f] = {"status": status, "records": [],
                      "detail": f"spatch timed out after {timeout}s" if status == "timeout" else detail}
    return res


def run_rule(tree, rule, rel_files, jobs, timeout=120, defines=None, quiet=False,
             what="analysing", parse=parse_facts, batch=16, keep=None, variants=(), names=None,
             transform=None, by_function=False):
    """Run a rule on each file; return ({rel: result}, number served from the cache).

    Files go to spatch in batches (one process start per batch, not per
    file); a batch whose process fails is re-run file by file, so one file's
    crash loses only that file.

    keep(header, body): when given, spatch reads a copy of each file with the
    function bodies it rejects blanked out (masking.py, with the bodies from
    one gfplex --bodies process for all the files; lines and columns
    unchanged), and the cache is keyed by that copy.

    variants: (defines, accept(data)) pairs tried in order before `defines`: a
    file whose text (masked, when keep is given) a variant accepts is matched
    with the variant's defines instead, a cheaper choice of the rule's virtual
    rules that gives the same facts for such a file.

    names: data for the rule, written to a JSON file that spatch gets as
    -D names=FILE; the cache is keyed by the data, not by the file's name.

    transform(data): when given, spatch reads a copy of each file made by it
    (loops.rewrite: the same lines), before any masking; the cache is keyed by
    the copy.

    by_function (with keep): a file that runs over the time limit is tried again one
    kept function at a time (_by_function). Only for a rule whose facts are each about
    one function and only ever prove (a covered call, a live handle): the facts of the
    functions that finish are kept, and the result is still a time-out, naming the
    functions that did not (functions_failed).
    """
    ver = spatch_version()
    choices = list(variants) + [(defines or {}, None)]
    # keyed by the defines as given (not the names file's temporary path, added below)
    key_defines = [d for d, _ in choices]

    def caches_for(limit):
        return [FactCache(rule, ver, {"timeout": limit, "defines": d, **({"names": names} if names else {})})
                for d in key_defines]
    caches = caches_for(timeout)
    results, todo = {}, [[] for _ in choices]
    staged = tempfile.mkdtemp(prefix="gfpscope-masked.")
    try:
        if names:
            names_file = os.path.join(staged, "names.json")
            with open(names_file, "w", encoding="utf-8") as f:
                json.dump(names, f)
            choices = [(dict(d, names=names_file), a) for d, a in choices]
        datas = {}
        for rel in rel_files:
            try:
                with open(tree.abspath(rel), "rb") as f:
                    data = f.read()
            except OSError as e:
                results[rel] = {"status": "error", "records": [], "detail": f"unreadable: {e.strerror}"}
                continue
            datas[rel] = transform(data) if transform else data
        raw, ranges, chosen_of = datas, {}, {}
        if keep:
            datas = masking.mask_all(datas, keep, ranges)  # one gfplex process for the bodies of all
        for rel, data in datas.items():
            chosen = next(i for i, (_, accept) in enumerate(choices) if accept is None or accept(data))
            digest = file_digest(data)
            chosen_of[rel] = chosen
            hit = caches[chosen].get(digest, rel)
            if hit is not None:
                results[rel] = hit
                continue
            todo[chosen].append((rel, digest))
            if keep or transform:
                dst = os.path.join(staged, "tree", rel)
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                with open(dst, "wb") as f:
                    f.write(data)
        cached = len(rel_files) - sum(len(v) for v in todo)
        cwd = os.path.join(staged, "tree") if keep or transform else tree.path
        aliases = _alias_non_utf8(todo, datas, os.path.join(staged, "alias"))
        for (d, _), cache, files in zip(choices, caches, todo):
            if files:
                _run_todo(cwd, rule, files, results, cache, jobs, timeout, d, quiet, what, parse, batch)
        for alias, rel in aliases.items():
            results[rel] = _unalias(results.pop(alias), alias, rel)
        if keep and by_function:
            # one function is given the limit of a whole file times SHARD_FACTOR: it is one
            # of a file's biggest (xfs_bmap_btalloc() alone: 132 s); its own cache key
            slow = timeout * SHARD_FACTOR
            shard_caches = caches_for(slow)
            _by_function(raw, datas, ranges, keep, results, chosen_of, choices, caches, shard_caches, staged,
                         lambda c, ts, d: _run_todo(c, rule, ts, {}, shard_caches[d], jobs, slow, choices[d][0], quiet,
                                                    what + " (one function at a time)", parse, batch), slow)
        return results, cached
    finally:
        shutil.rmtree(staged, ignore_errors=True)


def joined(a, b, records=None):
    """One result for a file that two passes read: the records of both (or records), and
    the worse status. A time-out that names its functions (functions_failed) stays so only
    when every failure names them; a failure of the whole file is the whole file's."""
    bad = [r for r in (a, b) if r["status"] != "ok"]
    out = dict(a, records=a["records"] + b["records"] if records is None else records)
    out.pop("functions_failed", None)
    if not bad:
        return dict(out, status="ok", detail="")
    whole = [r for r in bad if not r.get("functions_failed")]
    if whole:
        return dict(out, status=whole[0]["status"], detail=whole[0]["detail"])
    names = sorted({n for r in bad for n in r["functions_failed"]})
    return dict(out, status=bad[0]["status"], detail="; ".join(r["detail"] for r in bad), functions_failed=names)


def _utf8(rel):
    try:
        rel.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


SHARD_FACTOR = 3  # a function tried alone gets this many times the limit of a file
SHARD_DIR = ".gfpscope-function-"  # a shard's copy: SHARD_DIR + index + "/" + rel, in the masked tree


def _by_function(raw, masked, ranges, keep, results, chosen_of, choices, caches, shard_caches, staged, run, slow):
    """Run each timed-out file again as copies that keep one function each (masking.shards),
    and give it the union of their facts: status ok when every copy finished, else timeout
    with functions_failed. The merged result is cached under the file's own key, so a
    second scan reads it at once; a time-out cached before this was tried is tried."""
    for ci in range(len(choices)):
        parts = {}
        for rel, r in results.items():
            if chosen_of.get(rel) != ci or r["status"] != "timeout" or r.get("shard_timeout") == slow or \
                    not _utf8(rel):
                continue
            shards = masking.shards(raw[rel], keep, ranges.get(rel))
            if len(shards) < 2:
                continue  # one function: it is the one that did not finish
            for i, name in shards:
                data = masking.mask(raw[rel], keep, ranges[rel], only={i})
                copy = f"{SHARD_DIR}{i}/{rel}"
                dst = os.path.join(staged, "tree", copy)
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                with open(dst, "wb") as f:
                    f.write(data)
                parts.setdefault(rel, []).append((copy, name, file_digest(data)))
        todo = [(copy, digest) for ps in parts.values() for copy, _name, digest in ps
                if shard_caches[ci].get(digest, copy) is None]
        if not parts:
            continue
        done = run(os.path.join(staged, "tree"), todo, ci) if todo else {}
        for rel, ps in parts.items():
            seen, records, failed = set(), [], []
            for copy, name, digest in ps:
                r = done.get(copy) or shard_caches[ci].get(digest, copy) or \
                    {"status": "error", "records": [], "detail": "no result"}
                r = _renamed(r, copy, rel)
                if r["status"] != "ok":
                    failed.append(name)
                for rec in r["records"]:  # a body that cannot be blanked is in every copy
                    k = json.dumps(rec, sort_keys=True)
                    if k not in seen:
                        seen.add(k)
                        records.append(rec)
            merged = {"status": "timeout" if failed else "ok", "records": records,
                      "detail": f"{results[rel]['detail']}; alone, {', '.join(failed)} did not finish in {slow}s"
                      if failed else "",
                      "functions_failed": failed, "shard_timeout": slow}
            results[rel] = merged
            caches[ci].put(file_digest(masked[rel]), merged, rel)


def _alias_non_utf8(todo, datas, adir):
    """Give spatch a copy under a UTF-8 name of each file whose name is not UTF-8: its Python
    rules die on such a name (UnicodeDecodeError). The todo lists get the copy's absolute
    path in place of rel; returns {that path: rel} (_unalias maps the results back)."""
    out = {}
    for files in todo:
        for i, (rel, digest) in enumerate(files):
            try:
                rel.encode("utf-8")
                continue
            except UnicodeEncodeError:
                pass
            os.makedirs(adir, exist_ok=True)
            alias = os.path.join(adir, f"{len(out)}{os.path.splitext(rel)[1]}")
            with open(alias, "wb") as f:
                f.write(datas[rel])
            files[i] = (alias, digest)
            out[alias] = rel
    return out


def _unalias(result, alias, rel):
    """A result for the copy named alias, as if spatch had read rel: every field that names
    the copy names rel."""
    return _renamed(result, alias, rel)


def _renamed(result, old, new):
    """result with every string that names the file old (as a path: ./x.c is x.c) made new."""
    old = os.path.normpath(old)

    def fix(v):
        if isinstance(v, str):
            return new if v and os.path.normpath(v) == old else v
        if isinstance(v, dict):
            return {k: fix(x) for k, x in v.items()}
        if isinstance(v, list):
            return [fix(x) for x in v]
        return v
    return fix(result)


def _run_todo(cwd, rule, todo, results, cache, jobs, timeout, defines, quiet, what, parse, batch):
    digests = dict(todo)
    # small batches keep both cores busy to the end and the progress line moving
    size = max(1, min(batch, len(todo) // (max(1, jobs) * 4) or 1))
    chunks = [[rel for rel, _ in todo[i:i + size]] for i in range(0, len(todo), size)]
    prog = Progress(what, len(todo), quiet=quiet)
    pool = cf.ThreadPoolExecutor(max_workers=max(1, jobs))

    def work(chunk):
        res = _run_batch(cwd, rule, chunk, timeout, defines, parse)
        if res is None:
            res = {}
            for rel in chunk:
                res.update(_run_batch(cwd, rule, [rel], timeout, defines, parse))
        return res

    try:
        futs = {pool.submit(work, c): c for c in chunks}
        for fut in cf.as_completed(futs):
            chunk = futs[fut]
            try:
                res = fut.result()
            except Exception as e:  # a worker's failure loses only its files
                res = {rel: {"status": "error", "records": [], "detail": str(e)[:200]} for rel in chunk}
            for rel, r in res.items():
                results[rel] = r
                # a time-out is an answer too (keyed by the limit): a warm scan does not spend
                # the limit again on the same content (fs/xfs/libxfs/xfs_bmap.c, 120 s every
                # run); a longer --timeout is another key and tries again. An error may be
                # the machine's (out of memory): tried again next time.
                if r["status"] in ("ok", "timeout"):
                    cache.put(digests[rel], r, rel)
            prog.step(len(chunk))
    except BaseException:
        kill_running()  # Ctrl-C: finished batches are cached, the rest is redone next time
        raise
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
        prog.finish()
    return results
