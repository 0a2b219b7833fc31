"""`gfpscope series`: patch series for maintainers, proven before they are written.

Data flows one way: sites.json (verdicts) -> one series per MAINTAINERS entry ->
patches split by justification (or file, or function) -> commits in a scratch
repository -> git format-patch -> proof (git am, checkpatch --strict, the census
re-run on the result) -> atomic write of OUT/series/<entry>/ -> optional branch.

A series that fails its proof is not written at all; the others are.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

from .. import VERSION
from ..emit import checkpatch, commitmsg, gitwork
from ..collect import lexsites, subsystems
from ..core.atomic import write_text
from ..core.errors import GfpError
from ..analyse import callgraph, proof, providers
from ..core import readback, textpos
from .patch import LEVELS, load_sites, rewrite_bytes

SPLITS = ("justification", "file", "function")
# No patch larger than this: past it, a reviewer stops reading each hunk.
MAX_SITES = 16
MAX_FILES = 6
COLUMNS = 100  # checkpatch's line length limit


def slug(entry):
    return re.sub(r"[^a-z0-9]+", "-", entry.lower()).strip("-") or "unknown"


def _key(s):
    return (s["file"], s["line"], s["col"])


# ---------------------------------------------------------------- grouping

def _order(reason):
    o = commitmsg.ORDER
    return o.index(reason) if reason in o else len(o)


def group(sites, split="justification"):
    """The patches of one series, in order: [{"sites": [...], "where": [...]|None, "part": str|None}]."""
    if split == "file":
        key = lambda s: (s["file"],)
    elif split == "function":
        key = lambda s: (s["file"], s["function"] or "")
    else:
        # XFS's split: one patch per kind of justification; a moderate proof asks the
        # reviewer for more, so it does not share a patch with a high one
        key = lambda s: (_order(s["reason"]), s["reason"], s["kind"], LEVELS.get(s["confidence"], 9))
    groups = {}
    for s in sorted(sites, key=lambda s: (key(s), _key(s))):
        groups.setdefault(key(s), []).append(s)
    patches = []
    for k, ss in groups.items():
        where = None
        if split == "file":
            where = [os.path.basename(k[0]), k[0]]
        elif split == "function":
            where = ([k[1] + "()"] if k[1] else []) + [os.path.basename(k[0])]
        patches += _split_large({"sites": ss, "where": where, "part": None})
    _distinct_subjects(patches)
    return patches


def _split_large(p):
    """Split a patch too large to review: by file, then by function, then in parts."""
    ss = p["sites"]
    files = sorted({s["file"] for s in ss})
    if len(ss) <= MAX_SITES and len(files) <= MAX_FILES:
        return [p]
    if len(files) > 1:
        out = []
        for f in files:
            out += _split_large({"sites": [s for s in ss if s["file"] == f],
                                 "where": [os.path.basename(f), f], "part": None})
        return out
    funcs = []
    for s in ss:
        if s["function"] not in funcs:
            funcs.append(s["function"])
    if len(funcs) > 1:
        out = []
        for fn in funcs:
            out += _split_large({"sites": [s for s in ss if s["function"] == fn],
                                 "where": ([fn + "()"] if fn else []) + [os.path.basename(files[0])],
                                 "part": None})
        return out
    chunks = [ss[i:i + MAX_SITES] for i in range(0, len(ss), MAX_SITES)]
    where = ([funcs[0] + "()"] if funcs[0] else []) + [os.path.basename(files[0])]
    return [dict(p, sites=c, where=where, part=f"{i}/{len(chunks)}") for i, c in enumerate(chunks, 1)]


def _distinct_subjects(patches):
    """Two patches of one justification (high and moderate) must not share a subject."""
    seen = {}
    for p in patches:
        seen.setdefault((p["where"] and tuple(p["where"]), p["part"],
                         tuple(sorted({s["reason"] for s in p["sites"]}))), []).append(p)
    for same in seen.values():
        if len(same) < 2:
            continue
        for p in same:
            files = sorted({os.path.basename(s["file"]) for s in p["sites"]})
            if not p["where"] and len(files) <= 2:
                p["where"] = [" and ".join(files)]
        for i, p in enumerate(same, 1):
            if not p["where"] or len(files) > 2:
                p["part"] = p["part"] or f"{i}/{len(same)}"


# ---------------------------------------------------------------- per-series work

def _width(line):
    return len(line.rstrip("\n").expandtabs(8))


def too_long(texts_before, sites):
    """Sites whose converted line would pass checkpatch's 100 columns: (site, why).

    Each conversion adds two columns; all of a line's sites count together.
    """
    per_line = {}
    for s in sites:
        per_line.setdefault((s["file"], s["line"]), []).append(s)
    out = []
    for (rel, line), ss in sorted(per_line.items()):
        text = textpos.line_at(texts_before[rel], line)
        if text is None:
            continue  # rewrite_bytes reports the stale tree
        old_w = _width(text.decode("utf-8", "replace"))
        new_w = old_w + 2 * len(ss)
        if new_w > COLUMNS >= old_w:
            out += [(s, f"the converted line would be {new_w} columns, over checkpatch's "
                        f"{COLUMNS}: convert it by hand and rewrap the call") for s in ss]
    return out


def file_texts(scratch, tree, files):
    """Each touched file's bytes at the base, which must be the bytes that were scanned."""
    texts = {}
    for rel in files:
        blob = scratch.blob(scratch.base, rel)
        try:
            with open(tree.abspath(rel), "rb") as f:
                disk = f.read()
        except OSError as e:
            raise GfpError(f"{rel}: cannot read: {e.strerror}")
        if blob is None:
            raise GfpError(f"{rel} is not in the base revision: the series would not apply to it")
        if blob != disk:
            raise GfpError(f"{rel} differs between the base revision and the scanned tree, so the "
                           "series would not apply: commit or stash the change (or give the "
                           "--base that was scanned), then run `gfpscope scan` again")
        texts[rel] = blob
    return texts


def patch_texts(patches, texts):
    """For each patch, every file it touches as it reads after that patch (and all before it)."""
    done = {}
    out = []
    for p in patches:
        cur = {}
        for s in p["sites"]:
            done.setdefault(s["file"], []).append(s)
        for rel in sorted({s["file"] for s in p["sites"]}):
            cur[rel] = rewrite_bytes(rel, texts[rel], done[rel])
        out.append(cur)
    return out


def learn_prefix(repo, base, files):
    """The prefix the files' history uses (git log), else one from their directory."""
    if repo:
        # the files themselves, not their directories: drivers/block's history is
        # every block driver's, and xen-blkfront.c's own commits say "xen-blkfront: "
        r = gitwork.git(repo, "log", "-n", "300", "--no-merges", "--format=%s", base, "--", *files,
                        check=False)
        learned = commitmsg.learn_prefix(r.stdout.splitlines()) if r.returncode == 0 else None
        if learned:
            return learned
    return commitmsg.dir_prefix(files)


def recipients(tree, entry, patch_files):
    """(To, Cc) from the tree's get_maintainer.pl, with the options b4 uses.

    To: maintainers and reviewers (--nol); Cc: reviewers and lists (--nom), minus To.
    A tree without the script (a test tree) gets the entry's M:/R: and L: lines.
    """
    script = os.path.join(tree.path, "scripts", "get_maintainer.pl")
    if os.path.isfile(script):
        base = ["perl", script, "--nogit", "--nogit-fallback", "--nogit-chief-penguins",
                "--norolestats", "--no-tree"]
        env = dict(os.environ, PERL_HASH_SEED="0", PERL_PERTURB_KEYS="0")
        got = []
        for extra in (["--nol"], ["--nom"]):
            r = subprocess.run(base + extra + patch_files, cwd=tree.path, capture_output=True,
                               text=True, env=env)
            if r.returncode:
                raise GfpError("get_maintainer.pl failed: " + (r.stderr.strip().splitlines() or ["?"])[-1])
            got.append([l.strip() for l in r.stdout.splitlines() if "@" in l])
        to, cc = got
    else:
        to, cc = subsystems.entry_addresses(tree, entry)
    return to, [a for a in cc if a not in to]


def census_after(wt, files, all_sites, converted):
    """Re-run the census on the result: each converted site reads GFP_KERNEL, nothing else moved.

    Every site of a touched file that was not converted must still be there, at its
    column shifted by the conversions before it on its line; no site may appear.
    """
    class _Dir:
        path = wt
    got, errors, _ = lexsites.lex_tree(_Dir, sorted(files))
    if errors:
        raise GfpError(f"census of the result: {errors[0][0]}: {errors[0][1]}")
    conv = {_key(s) for s in converted}
    expect = set()
    for s in all_sites:
        if s["file"] not in files or _key(s) in conv:
            continue
        shift = 2 * sum(1 for c in converted if c["file"] == s["file"] and c["line"] == s["line"]
                        and c["col"] < s["col"])
        expect.add((s["file"], s["line"], s["col"] + shift, s["kind"]))
    have = {(s["file"], s["line"], s["col"], s["kind"]) for s in got}
    if have != expect:
        diff = sorted(have ^ expect)[:3]
        raise GfpError(f"census of the result does not match the scan: {diff}")
    for s in converted:
        with open(os.path.join(wt, s["file"]), "rb") as f:
            line = textpos.line_at(f.read(), s["line"]) or b""
        shift = 2 * sum(1 for c in converted if c["file"] == s["file"] and c["line"] == s["line"]
                        and c["col"] < s["col"])
        if not line[s["col"] + shift:].startswith(b"GFP_KERNEL"):
            raise GfpError(f"{s['file']}:{s['line']}: does not read GFP_KERNEL after the series")


class Series:
    """One subsystem's series, built and proven in a temporary directory."""

    def __init__(self, entry, sites):
        self.entry = entry
        self.slug = slug(entry)
        self.sites = sites
        self.left_out = []  # (site, why)
        self.files = {}     # name -> text, once proven
        self.patches = []
        self.error = None


def chain_callers(tree, sites):
    """{function: its callers, in order} for each function a caller proof passes through.

    Read from the files the proofs rest on (proof.check has just checked they are what was
    scanned): they hold every call of each function on a chain, so the commit message can
    name every caller, not only the one on the chain it shows. A static function is called
    only from its own file, a header, or a .c file some file #includes, as in the proof's
    call graph (analyse/callgraph.py): hfi1's calls of its global sc_alloc() are no callers
    of ocfs2's static one.
    """
    want, files, where = set(), set(), {}
    for s in sites:
        chain = (s.get("proof") or {}).get("chain") or []
        want |= {e["callee"] for e in chain}
        # where each function on the chain is defined: the site's file, then each caller's
        # (its call lies in its body)
        for callee, file in zip([e["callee"] for e in chain], [s["file"]] + [e["file"] for e in chain]):
            where.setdefault(callee, file)
        if chain:
            files |= set(s["proof"]["files"])
    records = lexsites.graph_records(tree, sorted(files))
    static = {f[2] for f in records if f[0] == "FN" and len(f) >= 4 and f[3] == "1" and f[1] == where.get(f[2])}
    included = callgraph.included_c_files(tree) if static else set()
    callers = {}
    for f in records:
        if f[0] != "CALL" or len(f) < 4 or f[3] not in want or f[2] == f[3]:
            continue
        if f[3] in static and not callgraph.may_call_static(f[1], where[f[3]], included):
            continue  # another translation unit calls a namesake
        lst = callers.setdefault(f[3], [])
        if f[2] not in lst:
            lst.append(f[2])
    return {k: sorted(v) for k, v in callers.items()}


def _fn_key(s):
    return (s["file"], s["function"] or "")


def keep_functions_whole(sites, left_out):
    """A function is converted whole or not at all: when one of its sites is left out, so are
    the others of this series (a half-converted function reads as a mistake)."""
    out_ids = {_key(s) for s, _w in left_out}
    out_fns = {}
    for s, _w in left_out:
        out_fns.setdefault(_fn_key(s), s)
    more = []
    for s in sites:
        first = out_fns.get(_fn_key(s))
        if first is not None and _key(s) not in out_ids:
            what = f"{s['function']}()" if s["function"] else os.path.basename(s["file"])
            other = f"its {first['call']}() call" if first.get("call") and first["call"] != s.get("call") \
                else "another of its allocations"
            more.append((s, f"{other} is left out, and {what} is converted whole or not at all"))
    return left_out + more


def build(series, tree, repo, scratch, all_sites, split, confidence, ident, starts=None):
    """Make, check and prove one series; fills series.files, or raises GfpError."""
    proof.check(tree, series.sites)  # the files still are what the scan proved, the chain still holds
    files = sorted({s["file"] for s in series.sites})
    texts = file_texts(scratch, tree, files)
    prefix = learn_prefix(repo, scratch.base, files)
    series.prefix = prefix
    series.left_out = keep_functions_whole(series.sites, too_long(texts, series.sites))
    words = {"callers": chain_callers(tree, series.sites), "starts": starts or {}, "checks": {}}
    for _ in range(6):
        out_ids = {_key(s) for s, _w in series.left_out}
        sites = [s for s in series.sites if _key(s) not in out_ids]
        if not sites:
            raise GfpError("every site was left out: " + "; ".join(w for _s, w in series.left_out[:3]))
        patches = group(sites, split)
        msgs = [commitmsg.commit_message(prefix, p, ident, words) for p in patches]
        tip = scratch.commits(list(zip(msgs, patch_texts(patches, texts))))
        tmp = tempfile.mkdtemp(prefix="fp.", dir=scratch.dir)
        plain = scratch.format_patch(tip, tmp, [], [])
        to, cc = recipients(tree, series.entry, plain[1:])
        shutil.rmtree(tmp)
        tmp = tempfile.mkdtemp(prefix="fp.", dir=scratch.dir)
        names = scratch.format_patch(tip, tmp, to, cc)
        again = False
        for pf, p in zip(names[1:], patches):
            drop, kept = checkpatch.judge(tree, pf, p["sites"])
            if drop:
                series.left_out = keep_functions_whole(series.sites, series.left_out + drop)
                again = True
            for s, msg in kept:
                if msg not in words["checks"].setdefault(_key(s), []):
                    # said below the patch's "---": the message is rebuilt with it
                    words["checks"][_key(s)].append(msg)
                    again = True
        if not again:
            break
    else:
        raise GfpError("checkpatch kept finding problems")
    converted = [s for p in patches for s in p["sites"]]
    series.kept_checks = [(s, m) for s in converted for m in words["checks"].get(_key(s), [])]
    cover_body = commitmsg.cover_letter(series.entry, prefix, patches, all_sites, converted,
                                        series.left_out, confidence, VERSION, words)
    cover_subject = commitmsg.cover_subject(prefix, converted)
    _fill_cover(names[0], cover_subject, cover_body)
    on_code, other = checkpatch.run(tree, names[0])
    if on_code or other:
        raise GfpError("checkpatch --strict on the cover letter: " + (other[0] if other else on_code[0][2]))
    head_tree = gitwork.git(scratch.dir, "rev-parse", tip + "^{tree}").stdout.strip()

    def inspect(wt):
        census_after(wt, set(files), all_sites, converted)

    got_tree = scratch.am(names[1:], files, inspect)
    if got_tree != head_tree:
        raise GfpError("git am gave another tree than the one the series was built as")
    series.patches = patches
    series.converted = converted
    series.touched = files
    series.to, series.cc = to, cc
    series.description = cover_subject + "\n\n" + cover_body
    for pf in names:
        with open(pf, encoding="utf-8", newline="") as f:
            series.files[os.path.basename(pf)] = f.read()


def _fill_cover(path, subject, body):
    with open(path, encoding="utf-8", newline="") as f:
        text = f.read()
    if "*** SUBJECT HERE ***" not in text or "*** BLURB HERE ***" not in text:
        raise GfpError("git format-patch wrote a cover letter without its placeholders")
    text = text.replace("*** SUBJECT HERE ***", subject, 1).replace("*** BLURB HERE ***", body.rstrip("\n"), 1)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


def write_series(out, series):
    """OUT/series/<slug>/ replaced as a whole: written beside it, then renamed into place."""
    root = os.path.join(out, "series")
    os.makedirs(root, exist_ok=True)
    final = os.path.join(root, series.slug)
    tmp = tempfile.mkdtemp(prefix=f".{series.slug}.", dir=root)
    try:
        for name, text in series.files.items():
            write_text(os.path.join(tmp, name), text)
        os.chmod(tmp, 0o755 & ~_umask())
        old = None
        if os.path.exists(final):
            old = tempfile.mkdtemp(prefix=f".{series.slug}.old.", dir=root)
            os.rename(final, os.path.join(old, "x"))
        os.rename(tmp, final)
        if old:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final


def _umask():
    u = os.umask(0)
    os.umask(u)
    return u


def select(sites, confidence, names):
    """{MAINTAINERS entry: convert sites}, limited to the --subsystem NAMEs."""
    limit = LEVELS[confidence]
    by = {}
    for s in sites:
        if s.get("verdict") == "convert" and LEVELS.get(s.get("confidence"), 9) <= limit:
            by.setdefault(s.get("maintainers") or "(no MAINTAINERS entry)", []).append(s)
    if not names:
        return by
    chosen = {}
    for n in names:
        want = n.lower().rstrip("/")
        hit = [e for e, ss in by.items()
               if want in (e.lower(), slug(e)) or any(s["subsystem"] == want or
                                                      s["subsystem"].split("/")[-1] == want for s in ss)]
        if not hit:
            raise GfpError(f"--subsystem {n}: no convert verdict there at confidence {confidence} "
                           f"(entries with some: {', '.join(sorted(by)) or 'none'})")
        for e in hit:
            chosen[e] = by[e]
    return chosen


def run(tree, out, names=None, split="justification", confidence="high", base=None,
        branch=None, quiet=False):
    if split not in SPLITS:
        raise GfpError(f"--split {split}: give one of {', '.join(SPLITS)}")
    all_sites = load_sites(out)
    repo = gitwork.repo_top(tree.path)
    if (base or branch) and not repo:
        raise GfpError(f"{tree.path} is not a git repository: --{'branch' if branch else 'base'} "
                       "needs one (make git-6.12 makes one of the default tree)")
    ident = gitwork.identity(repo)
    if repo:
        gitwork.resolve_base(repo, base)  # a bad --base fails before any work
    groups = select(all_sites, confidence, names)
    # the scope providers' own words (cifs_server_lock() is a lock, not a transaction)
    starts = providers.from_data(readback.providers(out)).starts
    if not groups:
        return []
    if branch:
        for entry in groups:
            gitwork.check_branch_name(repo, f"{branch}/{slug(entry)}")
    result = []
    for entry in sorted(groups, key=slug):
        sr = Series(entry, groups[entry])
        files = sorted({s["file"] for s in sr.sites})
        scratch = gitwork.Scratch(tree.path, repo, base, files, ident)
        try:
            build(sr, tree, repo, scratch, all_sites, split, confidence, ident, starts)
            sr.dir = write_series(out, sr)
            sr.base = scratch.base
        except GfpError as e:
            sr.error = str(e)
        finally:
            scratch.close()
        result.append(sr)
        if not quiet:
            print(f"gfpscope: {sr.slug}: " + (f"not written: {sr.error}" if sr.error else
                  f"{len(sr.patches)} patch{'es' if len(sr.patches) != 1 else ''}, "
                  f"{len(sr.converted)} sites, {len(sr.left_out)} left out"), file=sys.stderr)
    if branch:
        env = dict(os.environ, GIT_COMMITTER_NAME=ident[0], GIT_COMMITTER_EMAIL=ident[1])
        for sr in result:
            if sr.error:
                continue
            names_ = sorted(os.path.join(sr.dir, n) for n in sr.files if not n.startswith("0000-"))
            sr.branch = f"{branch}/{sr.slug}"
            try:
                gitwork.make_branch(repo, sr.branch, sr.base, names_, sr.touched, env, sr.description)
            except GfpError as e:
                sr.error = f"branch {sr.branch}: {e}"
                sr.branch = None
    return result
