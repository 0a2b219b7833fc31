"""One series made and proven in a scratch repository: commits, git format-patch,
checkpatch --strict on every patch (a site it rejects is left out and the series made
again), the cover letter, git am of the result and the census re-run on it; then the
atomic write of OUT/series/<entry>/."""
import os
import shutil
import tempfile

from .. import VERSION
from ..analyse import proof
from ..collect import lexsites
from ..core import textpos
from ..core.atomic import write_text
from ..core.errors import GfpError
from ..core.sites import key as _key
from . import checkpatch, commitmsg, coverletter, gitwork, subjects
from .rewrite import rewrite_bytes
from .seriesplan import group, keep_functions_whole, slug, too_long
from .seriestree import chain_callers, file_texts, learn_prefix, recipients


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


def _shift(converted, s):
    """How far s's column moves: GFP_KERNEL is two bytes longer than GFP_NOFS/GFP_NOIO, once
    for each conversion before it on its line."""
    return 2 * sum(1 for c in converted if c["file"] == s["file"] and c["line"] == s["line"]
                   and c["col"] < s["col"])


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
        expect.add((s["file"], s["line"], s["col"] + _shift(converted, s), s["kind"]))
    have = {(s["file"], s["line"], s["col"], s["kind"]) for s in got}
    if have != expect:
        diff = sorted(have ^ expect)[:3]
        raise GfpError(f"census of the result does not match the scan: {diff}")
    for s in converted:
        with open(os.path.join(wt, s["file"]), "rb") as f:
            line = textpos.line_at(f.read(), s["line"]) or b""
        if not line[s["col"] + _shift(converted, s):].startswith(b"GFP_KERNEL"):
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
    cover_body = coverletter.cover_letter(series.entry, prefix, patches, all_sites, converted,
                                          series.left_out, confidence, VERSION, words)
    cover_subject = subjects.cover_subject(prefix, converted)
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
