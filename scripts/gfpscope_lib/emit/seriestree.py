"""What a series reads from the kernel tree and its history: the touched files at the
base, the subject prefix of `git log`, To/Cc from get_maintainer.pl, and every caller
of the functions a caller proof passes through."""
import os
import subprocess

from ..analyse import callgraph
from ..collect import lexsites, subsystems
from ..core.errors import GfpError
from . import gitwork, subjects
from .rewrite import read_bytes


def file_texts(scratch, tree, files):
    """Each touched file's bytes at the base, which must be the bytes that were scanned."""
    texts = {}
    for rel in files:
        blob = scratch.blob(scratch.base, rel)
        disk = read_bytes(tree, rel)
        if blob is None:
            raise GfpError(f"{rel} is not in the base revision: the series would not apply to it")
        if blob != disk:
            raise GfpError(f"{rel} differs between the base revision and the scanned tree, so the "
                           "series would not apply: commit or stash the change (or give the "
                           "--base that was scanned), then run `gfpscope scan` again")
        texts[rel] = blob
    return texts


def learn_prefix(repo, base, files):
    """The prefix the files' history uses (git log), else one from their directory."""
    if repo:
        # the files themselves, not their directories: drivers/block's history is
        # every block driver's, and xen-blkfront.c's own commits say "xen-blkfront: "
        r = gitwork.git(repo, "log", "-n", "300", "--no-merges", "--format=%s", base, "--", *files,
                        check=False)
        learned = subjects.learn_prefix(r.stdout.splitlines()) if r.returncode == 0 else None
        if learned:
            return learned
    return subjects.dir_prefix(files)


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
