"""`gfpscope check`: a scan judged for a subsystem's CI, exit 1 when it finds something.

A finding is a GFP_NOFS/GFP_NOIO that a scope already covers (a convert verdict at
--confidence or higher: what `gfpscope patch` would rewrite) or a scope bug (a finding
the scope rules file as a bug in scopes.json: a save not restored on some path, a wrong
cookie, ...). One line each, as the kernel's tools print them: `file:line: message`.

check runs the scan itself (scan.run, so the fact cache makes a re-run fast), on the
PATHs or the whole tree; with --since REV it reports only the files changed since REV
(and scans only those when no PATH is given). The scan's files go to --out when it is
given, else to a temporary directory removed afterwards: a CI job run from the top of
the kernel tree has no --out outside it to spare.
"""
import os
import shutil
import tempfile

from ..core import readback, reasons
from ..core.errors import GfpError
from ..emit import gitwork
from ..emit.rewrite import chosen
from . import scan

SOURCE_EXT = (".c", ".h")


def changed_files(tree, rev):
    """The .c/.h files changed since rev: committed, staged, in the work tree, or new and
    not ignored; files deleted since rev are gone and have nothing to report."""
    repo = gitwork.repo_top(tree.path)
    if not repo:
        raise GfpError(f"{tree.path} is not the top of a git repository: --since needs one")
    if gitwork.git(repo, "rev-parse", "--verify", "--quiet", rev + "^{commit}", check=False).returncode:
        raise GfpError(f"--since {rev}: not a commit in {repo}")
    diff = gitwork.git(repo, "diff", "--name-only", "--no-renames", "--diff-filter=d", "-z", rev, "--").stdout
    new = gitwork.git(repo, "ls-files", "--others", "--exclude-standard", "-z").stdout
    names = {n for n in (diff + new).split("\0") if n.endswith(SOURCE_EXT)}
    return sorted(n for n in names if os.path.isfile(tree.abspath(n)))


def _under(rel, paths):
    return not paths or any(rel == p or rel.startswith(p.rstrip("/") + "/") for p in paths)


def findings(sites, scopes, confidence, files=None):
    """[(file, line, message)], sorted; files (a set) limits them to those files."""
    out = []
    for s in chosen(sites, confidence):
        ev = "; ".join(s.get("evidence") or [])
        out.append((s["file"], s["line"],
                    f"{s['flags']} in {s['function'] or '(file scope)'}() is redundant: "
                    f"{reasons.meaning(s['reason'])}"
                    + (f" ({ev})" if ev else "") + f": use GFP_KERNEL ({s['confidence']} confidence)"))
    for f in (scopes or {}).get("findings", []):
        if f.get("kind") == "bug":
            out.append((f["file"], f["line"], f"{f['rule']}: {f['message']}"))
    if files is not None:
        out = [x for x in out if x[0] in files]
    return sorted(out)


def run(tree, out, paths=None, since=None, confidence="high", jobs=None, quiet=False, timeout=120,
        providers_conf=None):
    """(findings, what was checked): the scan of PATHs (or the files changed since `since`)."""
    paths = tree.check_paths(paths)[0] if paths else []  # (the PATHs inside another are dropped)
    files = None
    if since:
        files = [f for f in changed_files(tree, since) if _under(f, paths)]
        if not files:
            return [], f"no .c or .h file changed since {since}" + (f" under {', '.join(paths)}" if paths else "")
        files = set(files)
    what = (f"{len(files)} file{'s' if len(files) != 1 else ''} changed since {since}" if files is not None
            else ", ".join(paths) or "the whole tree")
    tmp = None
    if out is None:
        tmp = out = tempfile.mkdtemp(prefix="gfpscope-check.")
    try:
        # without a PATH, --since scans only the changed files: proofs through scopes in
        # other files need those files scanned too (give the subsystem's directory)
        sites, _c = scan.run(tree, out, paths or (sorted(files) if files else None), jobs=jobs,
                             quiet=quiet, timeout=timeout, providers_conf=providers_conf)
        scopes = readback.scopes(out)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    return findings(sites, scopes, confidence, files), what
