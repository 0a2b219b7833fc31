"""The command line: thin argparse subcommands over one module per feature."""
import argparse
import os
import shlex
import signal
import sys
import threading

from . import VERSION
# the command modules are imported by the command that runs them (cmd_*): --help and
# a usage error load none of the analysis
from .core import log, paths
from .core.errors import EXIT_FINDINGS, EXIT_INTERNAL, EXIT_USAGE, GfpError
from .core.tree import KernelTree

DEFAULT_KDIR_HINT = "~/.cache/gfpscope/linux-source-6.12 (make setup unpacks it)"

DESCRIPTION = """\
gfpscope finds every GFP_NOFS and GFP_NOIO allocation in a Linux kernel tree,
works out whether a memalloc_nofs/noio scope already covers it, and turns the
proven ones into GFP_KERNEL.

Exit status: 0 success, 1 findings (when used as a check), 2 usage or
environment error (one line on stderr says what to do), 3 internal error (a
bug in gfpscope: one line names it), 130 interrupted (Ctrl-C), 143
terminated (SIGTERM)."""


def default_kdir():
    env = os.environ.get("GFPSCOPE_KDIR")
    if env:
        return env
    return os.path.join(paths.data_home(), "linux-source-6.12")


class Parser(argparse.ArgumentParser):
    """argparse, with a usage error as one line, as every other error (exit 2)."""

    def error(self, message):
        sub = self.prog.partition(" ")[2]
        self.exit(EXIT_USAGE, f"gfpscope: {sub + ': ' if sub else ''}{message} (see {self.prog} --help)\n")


def count_of(what, most):
    """An argparse type: a whole number of WHAT from 1 to MOST. --timeout 0 or -5 would make
    spatch fail on every file, -j 0 start no worker, and a huge one overflow spatch's own
    integers or start a process per file: refused before any work."""
    def parse(text):
        try:
            n = int(text)
        except ValueError:
            n = None
        if n is None or not 1 <= n <= most:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number of {what} (give 1 to {most})")
        return n
    parse.__name__ = what  # what argparse names in its own messages
    return parse


SECONDS, JOBS = count_of("seconds", 86400), count_of("processes", 1024)


def _common(p):
    p.add_argument("--kdir", metavar="DIR", default=None,
                   help="kernel tree to work on (default: $GFPSCOPE_KDIR or " + DEFAULT_KDIR_HINT + ")")
    p.add_argument("--out", metavar="DIR", default="gfpscope-out",
                   help="where outputs go (default: ./gfpscope-out; never inside the tree unless --out-in-tree)")
    p.add_argument("--out-in-tree", action="store_true", help="allow --out inside the kernel tree")
    p.add_argument("-j", "--jobs", type=JOBS, default=os.cpu_count() or 1, metavar="N",
                   help="parallel spatch processes (default: number of cores, %(default)s here)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress or table on stderr/stdout")


def cmd_scan(args):
    from .commands import scan
    from .emit import census
    tree = KernelTree(args.kdir or default_kdir())
    out = scan.resolve_out(tree, args.out, args.out_in_tree)
    sites, c = scan.run(tree, out, args.paths, jobs=args.jobs, quiet=args.quiet, timeout=args.timeout,
                        providers_conf=args.providers, reanalyse=args.reanalyse)
    if not args.quiet:
        print(f"gfpscope: Linux {tree.version_str} at {tree.path}")
        print(census.short_table(c))
        print(f"outputs: {out}/sites.json, census.json, census.csv, census.md")
    print(census.coverage_line(c))
    return 0


def cmd_check(args):
    from .commands import check, scan
    tree = KernelTree(args.kdir or default_kdir())
    out = scan.resolve_out(tree, args.out, args.out_in_tree) if args.out else None
    found, what = check.run(tree, out, args.paths, args.since, args.confidence, args.jobs, args.quiet,
                            args.timeout, args.providers)
    for f, line, msg in found:
        print(f"{f}:{line}: {msg}")
    n = len(found)
    print(f"gfpscope check: {n} finding{'s' if n != 1 else ''} in {what}", file=sys.stderr)
    return EXIT_FINDINGS if found else 0


def cmd_patch(args):
    from .commands import patch, scan
    tree = KernelTree(args.kdir or default_kdir())
    out = scan.resolve_out(tree, args.out, args.out_in_tree)
    path, sites = patch.run(tree, out, args.confidence)
    files = len({s["file"] for s in sites})
    print(f"{path}: {len(sites)} conversions in {files} files (confidence >= {args.confidence}); "
          f"apply with: git -C {shlex.quote(tree.path)} apply {shlex.quote(path)}")
    return 0


def cmd_whatif(args):
    from .commands import scan, whatif
    tree = KernelTree(args.kdir or default_kdir())
    out = scan.resolve_out(tree, args.out, args.out_in_tree)
    if not args.scope and not args.token:
        raise GfpError("whatif: give --scope START:STOP or --token STRUCT:STOP (or both)")
    r = whatif.run(tree, out, args.scope or [], args.jobs, args.quiet, args.timeout, tokens=args.token or [])
    print(f"what-if: {r['new_converts']} more sites provably redundant "
          f"({r['converts_before']} -> {r['converts_after']}); see {out}/whatif.md")
    for sub, n in list(r["by_subsystem"].items())[:15]:
        print(f"  {sub:<24} +{n}")
    return 0


def cmd_series(args):
    from .commands import scan, series
    tree = KernelTree(args.kdir or default_kdir())
    out = scan.resolve_out(tree, args.out, args.out_in_tree)
    result = series.run(tree, out, args.subsystem, args.split, args.confidence, args.base,
                        args.branch, quiet=True)
    if not result:
        print(f"gfpscope: no convert verdict at confidence {args.confidence} or higher: no series written")
        return 0
    failed = [r for r in result if r.error]
    for r in result:
        if r.error:
            continue
        where = f"; branch {r.branch}" if getattr(r, "branch", None) else ""
        print(f"{r.dir}: {len(r.patches)} patch{'es' if len(r.patches) != 1 else ''} + cover letter, "
              f"{len(r.converted)} site{'s' if len(r.converted) != 1 else ''}, {len(r.left_out)} left out "
              f"({r.entry}){where}")
    for r in failed:
        print(f"gfpscope: {r.slug}: series not written: {r.error}", file=sys.stderr)
    if failed:
        raise GfpError(f"{len(failed)} of {len(result)} series failed their proof and were not written")
    return 0


SERIES_HELP = """\
Turn the convert verdicts of OUT/sites.json (from `gfpscope scan`) into patch
series a maintainer can take: one series per MAINTAINERS entry (so each goes
to one tree), written as git format-patch files

  OUT/series/<entry>/0000-cover-letter.patch
  OUT/series/<entry>/0001-<subject>.patch ...

Patches (--split):
  justification  one patch per kind of proof (local scope, caller scope,
                 transaction, ...; high and moderate confidence apart), as
                 XFS's 2024 GFP_NOFS removal was split (the default)
  file           one patch per file
  function       one patch per function (btrfs's one-conversion style)
A patch over 16 sites or 6 files is split further, by file, then function.

Each commit message has the subsystem's subject prefix (learnt from `git log`
of the files, else from their directory: xfs: btrfs: xen-blkfront:), says
what changes, why it is safe (each scope and the function that opens it, the
call chain for caller proofs, no line numbers) and what a reviewer should
check, then "Generated by: gfpscope ..." and Signed-off-by from git config
user.name/user.email. The cover letter gives the subsystem's GFP_NOFS/GFP_NOIO
counts before and after, how the sites were proven, what was left and why,
and how to test (fstests with lockdep). To: and Cc: come from the tree's
scripts/get_maintainer.pl with b4's options (--nogit --nogit-fallback
--nogit-chief-penguins --norolestats; To --nol, Cc --nom).

Before a series is written it is proven: every patch applies in order with
`git am` on a scratch checkout of the base, scripts/checkpatch.pl --strict
reports nothing on any patch, and the census re-run on the result finds each
converted site reading GFP_KERNEL and every other site where it was. A site
whose converted line checkpatch would reject (over 100 columns, say) is left
out and named in the cover letter. A series that fails is not written at all.

The tree is never modified. In a git repository the series is based on
--base (default HEAD), whose touched files must be what was scanned; the
commits are made in a scratch repository. --branch PREFIX also makes branch
PREFIX/<entry> per series in the tree's repository, by git am in a separate
temporary worktree (your checkout, index and HEAD are untouched), ready for
`b4 prep -e PREFIX/<entry>` or `git send-email OUT/series/<entry>/*.patch`.

  gfpscope scan --kdir ~/linux --out out
  gfpscope series --kdir ~/linux --out out --subsystem xfs --branch gfpscope"""


def cmd_report(args):
    from .emit import report
    tree = KernelTree(args.kdir) if args.kdir else None
    out = os.path.abspath(args.out)
    model, files = report.run(out, tree, args.source_url)
    t = model["totals"]
    if not args.quiet:
        print(f"gfpscope: report of Linux {model['tree']['version']}: {t['sites']} sites in "
              f"{t['subsystems']} subsystems, {t['convert']} convert, {t['keep']} keep")
    print(f"report: {files[-1]} (and " + ", ".join(os.path.basename(f) for f in files[:-1]) + ")")
def default_history_repo():
    return os.path.join(paths.data_home(), "linux-history")


def _scan_specs(specs):
    out = {}
    for spec in specs or []:
        rev, sep, d = spec.partition("=")
        if not sep or not rev or not d:
            raise GfpError(f"--scan {spec}: give REV=DIR, DIR being the --out of a gfpscope scan of REV")
        out[rev] = d
    return out


def cmd_history(args):
    from .commands import history
    out = os.path.abspath(args.out)
    h = history.run(args.kdir or default_history_repo(), args.revs, out, jobs=args.jobs, quiet=args.quiet,
                    scans=_scan_specs(args.scan), do_analyse=args.analyse, timeout=args.timeout, top=args.top)
    if not args.quiet:
        print(history.short_table(h))
        print(f"outputs: {out}/history.csv, history.md, history.json, history.svg, history.png")
    revs = h["revisions"]
    if not args.quiet:
        for r in revs:
            f = r["files"]
            print(f"{r['rev']}: {r['totals']['sites']} sites; lexed {f['lexed']} blobs, {f['from_cache']} from cache "
                  f"({f['lexed_bytes'] / 1e6:.0f} MB read)")
    # -q: this line only (bench/history reads its "lexed ... MB read")
    f = {k: sum(r["files"][k] for r in revs) for k in ("lexed", "from_cache", "lexed_bytes")}
    print(f"history: {len(revs)} revision{'s' if len(revs) != 1 else ''} ("
          + ", ".join(f"{r['rev']}: {r['totals']['sites']} sites" for r in revs)
          + f"); lexed {f['lexed']} blobs, {f['from_cache']} from cache ({f['lexed_bytes'] / 1e6:.0f} MB read)")
    return 0


def cmd_diff(args):
    from .commands import diff
    out = os.path.abspath(args.out)
    d = diff.run(args.kdir or default_history_repo(), args.rev1, args.rev2, out, jobs=args.jobs)
    if not args.quiet:
        print(diff.short_table(d))
        print(f"outputs: {out}/diff.md, diff.json")
    print(diff.summary_line(d))
    return 0


def build_parser():
    ap = Parser(prog="gfpscope", description=DESCRIPTION,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--version", action="version", version="gfpscope " + VERSION)
    sub = ap.add_subparsers(dest="cmd", metavar="COMMAND")

    p = sub.add_parser("scan", help="list and analyse every GFP_NOFS/GFP_NOIO site, write the census",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="""\
List every GFP_NOFS/GFP_NOIO token in the tree's .c and .h code (comments and
strings excluded, macro bodies and headers included, the #define of the flags
themselves excluded), analyse each with spatch, and write into OUT:

  sites.json    one record per site: file, line, col, function, call, flags,
                kind (nofs/noio), subsystem, maintainers, parsed, verdict,
                reason, confidence, evidence
  providers.json  the scope providers found (transaction starts such as
                jbd2__journal_start or xfs_trans_alloc, with their shape and
                how they keep the scope), and the stops
  census.json   counts per subsystem and kind, by directory and by
  census.csv    MAINTAINERS entry (from the tree's scripts/get_maintainer.pl)
  census.md

A site spatch cannot analyse is still counted, with parsed=false and the
reason. The last line printed is the coverage: found, analysed, unparsed.
Facts are cached per file content under ~/.cache/gfpscope, so a second run
(or a run after Ctrl-C) re-parses only what changed. A file that ran over
the time limit is remembered too (its sites stay keep, reason undecided or
unparsed): a longer --timeout tries it again. A scan of a tree content
scanned before with the same code and options publishes that scan's outputs
without analysing (--reanalyse analyses again).""")
    _common(p)
    p.add_argument("--timeout", type=SECONDS, default=120, metavar="S", help="spatch time limit per file (default 120)")
    p.add_argument("--providers", metavar="FILE", default=paths.PROVIDERS_CONF,
                   help="scope providers declared by hand: START STOP[,STOP...] SHAPE KIND per line "
                        "(default: cocci/providers.conf; proofs resting on it have moderate confidence)")
    p.add_argument("--reanalyse", action="store_true",
                   help="analyse again even when this tree content was scanned with the same code and "
                        "options (the per-file caches still serve)")
    p.add_argument("paths", nargs="*", metavar="PATH", help="limit the scan to these files or directories (relative to the tree)")
    p.set_defaults(fn=cmd_scan)

    p = sub.add_parser("check", help="exit 1 on a redundant GFP_NOFS/GFP_NOIO or a scope bug (for CI)",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="""\
Scan the PATHs (default: the whole tree) as `gfpscope scan` does and judge the
result, for a subsystem's CI. A finding is a GFP_NOFS/GFP_NOIO that a scope
already covers (a convert verdict at --confidence or higher: what `gfpscope
patch` would rewrite) or a scope bug (a memalloc save not restored on some
path, a wrong cookie, ...: a bug in scopes.json). Each is printed on stdout as

  FILE:LINE: MESSAGE

and a last line on stderr counts them. Exit status: 0 no finding, 1 findings,
2 usage or environment error.

--since REV reports only the .c/.h files changed since REV (committed, staged,
in the work tree, or new), in a git repository. Without a PATH it scans only
those files; a caller-scope proof through a scope in another file needs that
file scanned too, so give the subsystem's directory as PATH.

The scan goes to a temporary directory unless --out is given (then OUT holds
sites.json and the rest, for `gfpscope patch`). Facts are cached, so a re-run
parses only the files that changed.

  gfpscope check --kdir ~/linux fs/xfs
  gfpscope check --kdir ~/linux --since origin/master fs/xfs""")
    p.add_argument("--kdir", metavar="DIR", default=None,
                   help="kernel tree to check (default: $GFPSCOPE_KDIR or " + DEFAULT_KDIR_HINT + ")")
    p.add_argument("--out", metavar="DIR", default=None,
                   help="keep the scan's files in DIR (default: a temporary directory, removed)")
    p.add_argument("--out-in-tree", action="store_true", help="allow --out inside the kernel tree")
    p.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                   help="parallel spatch processes (default: number of cores, %(default)s here)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    p.add_argument("--since", metavar="REV", help="only the .c/.h files changed since REV (a git repository)")
    p.add_argument("--confidence", choices=["high", "moderate"], default="high",
                   help="lowest confidence of a convert verdict that is a finding (default: high, as patch)")
    p.add_argument("--timeout", type=SECONDS, default=120, metavar="S", help="spatch time limit per file (default 120)")
    p.add_argument("--providers", metavar="FILE", default=paths.PROVIDERS_CONF,
                   help="scope providers declared by hand, as for scan (default: cocci/providers.conf)")
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or directories to check (relative to the tree)")
    p.set_defaults(fn=cmd_check)

    p = sub.add_parser("patch", help="write one unified diff of every proven conversion",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="""\
Read OUT/sites.json (from `gfpscope scan`) and write OUT/gfpscope.patch: every
site whose verdict is convert, at or above --confidence, rewritten from
GFP_NOFS/GFP_NOIO to GFP_KERNEL at exactly its recorded position. Modifiers
are kept (GFP_NOFS | __GFP_NOFAIL becomes GFP_KERNEL | __GFP_NOFAIL). The
patch is checked with `git apply --check` against the tree before it is
written; the tree itself is never modified.""")
    _common(p)
    p.add_argument("--confidence", choices=["high", "moderate"], default="high",
                   help="lowest confidence to rewrite (default: high)")
    p.set_defaults(fn=cmd_patch)

    p = sub.add_parser("whatif", help="how many more sites a new scope would prove",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="""\
Assume START opens a nofs scope that STOP closes (btrfs's start_transaction()
has none, for example) and run the scope analysis again: which sites would
become provably redundant, and how many per subsystem. Needs OUT/sites.json
from `gfpscope scan`; writes OUT/whatif.json and OUT/whatif.md. An estimate for
planning: START is assumed to open the scope on every path, failures included.

  gfpscope whatif --scope btrfs_start_transaction:btrfs_end_transaction,btrfs_commit_transaction

With --token, a struct is assumed to carry a nofs scope while an object of it
is live (as struct xfs_trans does): a function that holds a valid handle of it
runs in the scope, and STOP ends it:

  gfpscope whatif --token btrfs_trans_handle:btrfs_end_transaction,btrfs_commit_transaction""")
    _common(p)
    p.add_argument("--scope", action="append", metavar="START:STOP",
                   help="a function that would open a nofs scope, and the one(s) that would close it")
    p.add_argument("--token", action="append", metavar="STRUCT:STOP",
                   help="a struct whose live objects would hold a nofs scope, and the function(s) "
                        "that would end it")
    p.add_argument("--timeout", type=SECONDS, default=120, metavar="S", help="spatch time limit per file")
    p.set_defaults(fn=cmd_whatif)

    p = sub.add_parser("series", help="per-subsystem patch series, proven to apply, for maintainers",
                       formatter_class=argparse.RawDescriptionHelpFormatter, description=SERIES_HELP)
    _common(p)
    p.add_argument("--subsystem", action="extend", nargs="+", metavar="NAME",
                   help="only this MAINTAINERS entry (its name, e.g. 'XFS FILESYSTEM', or a directory "
                        "subsystem such as fs/xfs or xfs); several may follow (default: every entry with converts)")
    p.add_argument("--split", default="justification", metavar="justification|file|function",
                   help="one patch per kind of justification (default), per file, or per function")
    p.add_argument("--confidence", choices=["high", "moderate"], default="high",
                   help="lowest confidence to convert (default: high)")
    p.add_argument("--base", metavar="REV", help="the commit the series applies to (default: HEAD); "
                   "needs a git repository")
    p.add_argument("--branch", metavar="PREFIX", help="also make branch PREFIX/<entry> per series in "
                   "the tree's repository, in a separate worktree")
    p.set_defaults(fn=cmd_series)
    p = sub.add_parser("report", help="write report.html (charts, tables, every site) and md/csv/json/org",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="""\
Read what `gfpscope scan --out OUT` wrote (sites.json, census.json, and
scopes.json and whatif.json if present) and write the report of it into OUT:

  report.html   one self-contained page (no network, no external files): the
                summary, verdicts and reasons, allocator families, a bar chart
                of the top subsystems, a table per subsystem (by kind, verdict,
                reason and family), the proven conversions, the
                __GFP_NOLOCKDEP review candidates, what would it take per
                subsystem (proven, and what whatif.json's scope would add),
                and every site linked to its file:line with verdict and
                evidence
  report.md     the summary and the per-subsystem table, for mail and commit
                messages
  report.csv    one row per subsystem (by directory, then by MAINTAINERS
                entry), fixed columns: counts by kind, verdict, reason, family
  report.json   the whole model, every site included, for scripts
  report.org    one `* TODO [[view:FILE::...]]` line per site, as coccicheck
                MODE=org prints (open it from the top of the tree in Emacs)
  report-top-subsystems.svg, .png   the chart (the SVG is also inline in the page)

Every number is taken from sites.json and checked against census.json; if the
two disagree, nothing is written. report.html is written last: a run that is
interrupted leaves no report.html beside stale or partial companions.

The file:line links go to --source-url, by default the upstream stable tree
at the scanned version (Debian's linux-source carries a few patches, so a
line there can be off by a little; the text shows the scanned tree's own
file:line). --kdir is optional: the version comes from census.json, and a
tree given with --kdir must be the one that was scanned.

  gfpscope scan --out out && gfpscope report --out out   # open out/report.html
  gfpscope report --out out --source-url \\
       'https://elixir.bootlin.com/linux/{tag}/source/{path}#L{line}'""")
    p.add_argument("--kdir", metavar="DIR", default=None,
                   help="the kernel tree that was scanned (optional; only checked against the scan's version)")
    p.add_argument("--out", metavar="DIR", default="gfpscope-out",
                   help="the scan's output directory; the report is written there too (default: ./gfpscope-out)")
    p.add_argument("--source-url", metavar="TEMPLATE", default=None,
                   help="where file:line links go; {path}, {line}, {tag} (v6.12.117) and {version} "
                        "(6.12.117) are filled in (default: the upstream stable tree on git.kernel.org)")
    p.add_argument("-q", "--quiet", action="store_true", help="print only the line naming the files written")
    p.set_defaults(fn=cmd_report)
    p = sub.add_parser("history", help="the census of each revision of a kernel git repository",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="""\
Count the GFP_NOFS/GFP_NOIO sites of each revision of a kernel git repository,
per subsystem and kind, without checking anything out. REV is anything git
names a commit with (a tag, a branch, a commit id); A..B stands for A, every
tagged commit between them, and B. The counts of a revision are exactly what
`gfpscope scan` counts in a checkout of it: the same lexer (gfplex) reads each
.c/.h blob straight from git's objects, and subsystems are attributed by
directory and by the MAINTAINERS section of the revision's own MAINTAINERS.

Site records are cached per blob id under ~/.cache/gfpscope/lexsites, so a
further revision lexes only the blobs that changed. Writes into OUT:

  history.csv   one row per revision, grouping (directory, maintainers)
  history.md    and subsystem: GFP_NOFS, GFP_NOIO, total, convert, keep
  history.json  the same, with each revision's commit, version and how
                many blobs were lexed and how many came from the cache
  history.svg   a line chart of the top subsystems over the revisions
  history.png

Verdicts (convert/keep) are counted where a scan of the revision exists:
--scan REV=DIR takes them from DIR/sites.json of `gfpscope scan` of that
tree (its sites must be the revision's sites), and --analyse runs the whole
scan on each revision, exported to a temporary directory (minutes each).

  gfpscope history --kdir ~/.cache/gfpscope/linux-history v6.1.192 v6.12.117""")
    p.add_argument("--kdir", metavar="REPO", default=None,
                   help="kernel git repository (default: ~/.cache/gfpscope/linux-history, made by "
                        "make history-repo)")
    p.add_argument("--out", metavar="DIR", default="gfpscope-out",
                   help="where outputs go (default: ./gfpscope-out)")
    p.add_argument("-j", "--jobs", type=JOBS, default=os.cpu_count() or 1, metavar="N",
                   help="parallel lexer pipelines and get_maintainer.pl processes (default: %(default)s)")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="only errors and warnings, and the last line (revisions, sites, blobs lexed)")
    p.add_argument("--scan", action="append", metavar="REV=DIR",
                   help="take REV's verdicts from DIR/sites.json, written by gfpscope scan of that tree")
    p.add_argument("--analyse", action="store_true",
                   help="run the full scan on each revision (without --scan) for its verdicts; slow")
    p.add_argument("--timeout", type=SECONDS, default=120, metavar="S", help="spatch time limit per file, with --analyse")
    p.add_argument("--top", type=count_of("subsystems", 1000), default=10, metavar="N", help="subsystems in the chart (default 10)")
    p.add_argument("revs", nargs="+", metavar="REV", help="revisions, oldest first")
    p.set_defaults(fn=cmd_history)

    p = sub.add_parser("diff", help="sites that appeared, disappeared or were converted between two revisions",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="""\
Compare the GFP_NOFS/GFP_NOIO sites of two revisions of a kernel git
repository, per subsystem, without checking anything out. Line numbers move,
so sites are matched by what they are, not where: a site of REV1 and a site
of REV2 are the same when their file (followed through git's renames),
enclosing function, receiving call and flag expression are equal, counted as
multisets. What is left over is classified:

  converted    the site is gone, and in its place (same file, function and
               call) REV2 has one more GFP_KERNEL use than REV1, with the same
               flags but GFP_NOFS/GFP_NOIO replaced by GFP_KERNEL
  changed      same file, function and call, other flags (GFP_NOFS became
               GFP_NOIO, or __GFP_NOFAIL was added, ...)
  moved        the same function, call and flags, in another file
  disappeared  a site of REV1 that matches nothing in REV2
  appeared     a site of REV2 that matches nothing in REV1

Writes OUT/diff.md and OUT/diff.json (every site of each class, per
subsystem) and prints a table per subsystem. Uses the same per-blob cache as
history.

  gfpscope diff --kdir ~/.cache/gfpscope/linux-history v6.1.192 v6.12.117""")
    p.add_argument("--kdir", metavar="REPO", default=None,
                   help="kernel git repository (default: ~/.cache/gfpscope/linux-history)")
    p.add_argument("--out", metavar="DIR", default="gfpscope-out",
                   help="where outputs go (default: ./gfpscope-out)")
    p.add_argument("-j", "--jobs", type=JOBS, default=os.cpu_count() or 1, metavar="N",
                   help="parallel lexer pipelines (default: %(default)s)")
    p.add_argument("-q", "--quiet", action="store_true", help="only the summary line")
    p.add_argument("rev1", metavar="REV1")
    p.add_argument("rev2", metavar="REV2")
    p.set_defaults(fn=cmd_diff)
    return ap


class Terminated(KeyboardInterrupt):
    """SIGTERM (timeout(1), CI cancellation, systemd), taken down the same path as Ctrl-C:
    spatch is killed, temporary files go, nothing half-written is published."""


def _on_sigterm(signum, frame):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second one must not cut the clean-up short
    raise Terminated()


def internal_error(e):
    """One line for an exception no check foresaw: a bug in gfpscope, not in the input."""
    import traceback
    if os.environ.get("GFPSCOPE_TRACEBACK"):
        traceback.print_exc()
    tb = traceback.extract_tb(e.__traceback__)
    where = f" at {os.path.relpath(tb[-1].filename, os.path.dirname(__file__))}:{tb[-1].lineno}" if tb else ""
    msg = " ".join(str(e).split())[:300]
    print(f"gfpscope: internal error: {type(e).__name__}: {msg}{where}. This is a bug in gfpscope: "
          "please report it with the command line (GFPSCOPE_TRACEBACK=1 prints the traceback)", file=sys.stderr)
    return EXIT_INTERNAL


def main(argv=None):
    log.setup()
    # a file name that is not UTF-8 is kept as surrogates (collect/lexsites.py): print its
    # bytes, as ls does, in any locale (a UTF-8 one would raise UnicodeEncodeError)
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="surrogateescape")
    ap = build_parser()
    args = ap.parse_args(argv)
    if not getattr(args, "fn", None):
        ap.print_help()
        return EXIT_USAGE
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        return args.fn(args)
    except GfpError as e:
        print(f"gfpscope: {e}", file=sys.stderr)
        return e.status
    except KeyboardInterrupt as e:
        what = "terminated (SIGTERM)" if isinstance(e, Terminated) else "interrupted"
        print(f"gfpscope: {what}; finished files are cached and the next run resumes from them",
              file=sys.stderr)
        return 143 if isinstance(e, Terminated) else 130
    except BrokenPipeError:
        return 0
    except Exception as e:
        return internal_error(e)
