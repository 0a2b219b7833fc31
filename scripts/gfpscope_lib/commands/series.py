"""`gfpscope series`: patch series for maintainers, proven before they are written.

Data flows one way: sites.json (verdicts) -> one series per MAINTAINERS entry ->
patches split by justification (or file, or function) -> commits in a scratch
repository -> git format-patch -> proof (git am, checkpatch --strict, the census
re-run on the result) -> atomic write of OUT/series/<entry>/ -> optional branch.

A series that fails its proof is not written at all; the others are.
"""
import os
import sys

from ..emit import gitwork
from ..emit.seriesbuild import Series, build, write_series
from ..emit.seriesplan import SPLITS, select, slug
from ..core.errors import GfpError
from ..analyse import providers
from ..core import readback, sites as sites_file


def run(tree, out, names=None, split="justification", confidence="high", base=None,
        branch=None, quiet=False):
    if split not in SPLITS:
        raise GfpError(f"--split {split}: give one of {', '.join(SPLITS)}")
    all_sites = sites_file.load(out)
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
