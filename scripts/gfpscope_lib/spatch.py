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

from . import paths
from .atomic import write_text
from .errors import GfpError
from .progress import Progress

MIN_VERSION = (1, 1, 0)
PREFIX = "GFPSCOPE "


def spatch_exe():
    return os.environ.get("GFPSCOPE_SPATCH") or "spatch"


def spatch_version():
    exe = spatch_exe()
    if not shutil.which(exe):
        raise GfpError(f"spatch not found ({exe}): install Coccinelle (apt-get install coccinelle, or make setup)")
    try:
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.TimeoutExpired) as e:
        raise GfpError(f"spatch does not run ({exe}): {e}")
    m = re.search(r"spatch version (\d+)\.(\d+)\.(\d+)", out)
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

    def get(self, digest):
        try:
            with open(self._path(digest), encoding="utf-8") as f:
                entry = json.load(f)
            if entry.get("digest") == digest:
                return entry
        except (OSError, ValueError):
            pass
        return None

    def put(self, digest, entry):
        entry = dict(entry, digest=digest)
        try:
            write_text(self._path(digest), json.dumps(entry))
        except GfpError:
            pass  # a cache that cannot be written only costs time


def _run_one(tree, rule, rel, timeout, defines):
    args = [spatch_exe(), "--very-quiet", "--no-includes", "--include-headers",
            "--timeout", str(timeout), "--sp-file", rule, rel]
    for k, v in defines.items():
        args[1:1] = ["-D", f"{k}={v}"]
    try:
        r = subprocess.run(args, cwd=tree.path, capture_output=True, timeout=timeout + 60)
    except subprocess.TimeoutExpired:
        return {"status": "timeout", "records": [], "detail": f"spatch ran over {timeout}s"}
    out = r.stdout.decode("utf-8", "replace")
    err = r.stderr.decode("utf-8", "replace")
    records = []
    for line in out.splitlines():
        if line.startswith(PREFIX):
            try:
                records.append(json.loads(line[len(PREFIX):]))
            except ValueError:
                pass
    if re.search(r"^(timeout|Timeout)", err, re.M) or "TIMEOUT" in err:
        return {"status": "timeout", "records": records, "detail": f"spatch timed out after {timeout}s"}
    if r.returncode:
        last = [l for l in err.strip().splitlines() if l.strip()][-1:] or [f"exit status {r.returncode}"]
        return {"status": "error", "records": records, "detail": last[0][:200]}
    return {"status": "ok", "records": records, "detail": ""}


def run_rule(tree, rule, rel_files, jobs, timeout=120, defines=None, quiet=False, what="analysing"):
    """Run a fact rule on each file; return {rel: result} and how many came from the cache."""
    ver = spatch_version()
    defines = defines or {}
    cache = FactCache(rule, ver, {"timeout": timeout, "defines": defines})
    results, todo = {}, []
    for rel in rel_files:
        try:
            with open(tree.abspath(rel), "rb") as f:
                digest = file_digest(f.read())
        except OSError as e:
            results[rel] = {"status": "error", "records": [], "detail": f"unreadable: {e.strerror}"}
            continue
        hit = cache.get(digest)
        if hit is not None:
            results[rel] = hit
        else:
            todo.append((rel, digest))
    cached = len(rel_files) - len(todo)
    prog = Progress(what, len(todo), quiet=quiet)
    pool = cf.ThreadPoolExecutor(max_workers=max(1, jobs))
    try:
        futs = {pool.submit(_run_one, tree, rule, rel, timeout, defines): (rel, d) for rel, d in todo}
        for fut in cf.as_completed(futs):
            rel, digest = futs[fut]
            try:
                res = fut.result()
            except Exception as e:  # a worker's failure loses only its file
                res = {"status": "error", "records": [], "detail": str(e)[:200]}
            results[rel] = res
            if res["status"] == "ok":
                cache.put(digest, res)
            prog.step()
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
        prog.finish()
    return results, cached
