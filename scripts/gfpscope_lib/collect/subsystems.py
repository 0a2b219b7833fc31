"""Which subsystem a file belongs to: by directory, and by MAINTAINERS entry.

The MAINTAINERS entry comes from the tree's own scripts/get_maintainer.pl
(the most specific section it lists for the file). Where the tree has no
get_maintainer.pl but has a MAINTAINERS file (small test trees), the F:, X:
and N: patterns are read here the way get_maintainer.pl reads them.
Answers are cached per MAINTAINERS content and script, so each file is asked once. A
script that fails (dies, or perl is missing) is said on stderr once, its files are read
from MAINTAINERS here instead, and those answers are not cached: a fixed script is asked.
"""
import concurrent.futures as cf
import fnmatch
import hashlib
import json
import os
import re
import subprocess

from ..core import paths
from ..core.atomic import write_json
from ..core.log import log

# Top-level directories whose second level names the subsystem (fs/btrfs, drivers/md).
TWO_LEVEL = {"fs", "drivers", "net", "sound", "arch", "include", "security", "tools",
             "samples", "crypto", "virt", "io_uring"}
THE_REST = "THE REST"
NONE = "(no MAINTAINERS entry)"


def dir_subsystem(rel):
    parts = rel.split("/")
    if len(parts) >= 3 and parts[0] in TWO_LEVEL:
        return parts[0] + "/" + parts[1]
    if len(parts) >= 2:
        return parts[0]
    return "(top)"


def sections(text):
    """The sections of a MAINTAINERS text: [(name, [(tag, value)])], in file order: the one
    reader of the file's format. A section is a line that starts in column 0 followed by
    "T: value" lines; the preamble's examples are indented, so they never form a section."""
    out, cur = [], None
    for line in text.splitlines():
        m = re.match(r"^([A-Z]):\s*(.*)$", line)
        if m:
            if cur is not None:
                cur[1].append((m.group(1), m.group(2).strip()))
        elif line.strip() and not line[0].isspace():
            cur = (line.strip(), [])
            out.append(cur)
    return out


def _parse_maintainers(text):
    """Sections that own files: [(name, [F patterns], [X patterns], [N regexes])]."""
    out = []
    for name, pairs in sections(text):
        f, x, n = ([v for t, v in pairs if t == tag] for tag in "FXN")
        if f or n:
            out.append((name, f, x, n))
    return out


def entry_addresses(tree, entry):
    """(To: the M: and R: addresses, Cc: the L: lists) of one MAINTAINERS entry."""
    try:
        with open(os.path.join(tree.path, "MAINTAINERS"), encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError:
        return [], []
    to, cc = [], []
    for name, pairs in sections(text):
        if name == entry:
            for tag, v in pairs:
                if tag in "MRL":
                    (cc if tag == "L" else to).append(re.sub(r"\s*\(.*\)$", "", v).strip())
    return to, cc


def _pattern_match(pat, rel, isdir):
    """get_maintainer.pl's file_match_pattern: a directory matches what is under it.

    isdir tells whether a path is a directory of the tree: a function, or the
    tree's path."""
    if isinstance(isdir, str):
        root = isdir
        isdir = lambda p: os.path.isdir(os.path.join(root, p))  # noqa: E731
    if pat.endswith("/") or isdir(pat):
        p = pat.rstrip("/") + "/"
        if "*" in p or "?" in p:
            # a glob directory: match every file below a matching directory
            parts = rel.split("/")
            for i in range(1, len(parts)):
                if fnmatch.fnmatchcase("/".join(parts[:i]) + "/", p):
                    return True
            return False
        return rel.startswith(p)
    if "*" in pat or "?" in pat:
        # a glob does not match across directories
        if pat.count("/") != rel.count("/"):
            return False
        return fnmatch.fnmatchcase(rel, pat)
    return rel == pat


def _depth(pat):
    return pat.rstrip("/").count("/") + 1


_META = set(".[(*+?{|^$")


def _literal_dir(regex):
    """The directory every match of the anchored regex starts with ("" if none)."""
    lit, i = [], 0
    while i < len(regex):
        c = regex[i]
        if c == "\\" and i + 1 < len(regex) and not regex[i + 1].isalnum():
            lit.append(regex[i + 1])
            i += 2
            continue
        if c in _META or c == "\\":
            break
        lit.append(c)
        i += 1
    lit = "".join(lit)
    return lit[:lit.rfind("/") + 1]


class GetMaintainerRules:
    """get_maintainer.pl's choice of section, worked out in Python for many files at once.

    It reads MAINTAINERS as the script does (F:/X: globs turned into regexes,
    a trailing / added to the patterns that name a directory of the tree),
    and ranks the sections that match a file by the depth of the pattern
    that matched, as the script does. decide() returns the script's first
    section other than THE REST, or None where only perl can tell: when two
    sections tie for the deepest match (perl lists them in its hash order),
    or when no section but THE REST matches by pattern (then K: keywords
    in the file's text decide). The caller asks the script for those files.
    """

    def __init__(self, text, isdir):
        tv = []
        for line in text.split("\n"):
            m = re.match(r"^([A-Z]):\s*(.*)", line)
            if m:
                typ, val = m.group(1), m.group(2)
                if typ in "FX":
                    val = val.replace(".", "\\.").replace("*", ".*").replace("?", ".")
                    if isdir(val) and not val.endswith("/"):
                        val += "/"
                tv.append((typ, val))
            elif not (re.match(r"^\s*$", line) or re.match(r"^\s*#", line)):
                tv.append((None, line))
        self.names = {}         # section index -> name
        self.buckets = {}       # literal directory -> [(section, order, type, regex, slashes, depth)]
        self.n_patterns = []    # [(section, order, regex)]
        tvi = next((i for i, (t, _) in enumerate(tv) if t), len(tv))
        while tvi < len(tv):
            start = tvi
            while start > 0 and tv[start][0]:
                start -= 1
            end = tvi
            while end < len(tv) and tv[end][0]:
                end += 1
            self.names[tvi] = tv[start][1] if not tv[start][0] else f"{tv[start][0]}:{tv[start][1]}"
            for i in range(start, end):
                typ, val = tv[i]
                if typ in ("F", "X"):
                    bare = val.replace("\\.", "")
                    if "\\" in bare or any(c in _META or c == ")" for c in bare):
                        rx = re.compile(val).match  # re.error: the caller asks the script
                    else:  # a plain path: a prefix test does what the regex would
                        rx = (lambda r, _l=val.replace("\\.", "."): r.startswith(_l))
                    depth = val.count("/") + (0 if val.endswith("/") else 1)
                    if val.startswith(".*"):
                        depth = -1
                    self.buckets.setdefault(_literal_dir(val), []).append(
                        (tvi, i, typ, rx, None if val.endswith("/") else val.count("/"), depth))
                elif typ == "N":
                    self.n_patterns.append((tvi, i, re.compile(val, re.X)))
            tvi = end + 1

    def decide(self, rel):
        hits, excluded = {}, set()
        cands = list(self.buckets.get("", ()))
        pos = rel.find("/")
        while pos >= 0:
            cands.extend(self.buckets.get(rel[:pos + 1], ()))
            pos = rel.find("/", pos + 1)
        slashes = rel.count("/")
        matched = []
        for sec, order, typ, rx, pslashes, depth in cands:
            if rx(rel) and (pslashes is None or pslashes == slashes):
                if typ == "X":
                    excluded.add(sec)
                else:
                    matched.append((order, sec, depth))
        for sec, order, rx in self.n_patterns:
            if rx.search(rel):
                matched.append((order, sec, 0))
        for order, sec, depth in sorted(matched):   # the last matching line sets the depth
            hits[sec] = depth
        ranked = {}
        for sec, depth in hits.items():
            if sec not in excluded and self.names[sec] != THE_REST:
                ranked.setdefault(depth, set()).add(self.names[sec])
        if not ranked:
            return None
        top = ranked[max(ranked)]
        return next(iter(top)) if len(top) == 1 else None


class Maintainers:
    def __init__(self, tree, jobs=2, emulate=False, before_ask=None, isdir=None, mtext=None):
        """emulate: decide what GetMaintainerRules can in Python and run the script
        only for the rest; before_ask(rel) is called before the script is asked
        about rel (history writes the file's content into its skeleton tree).
        isdir(rel) tells whether the tree has that directory, and mtext is the
        MAINTAINERS text (history has them from git, not from a checkout)."""
        self.tree = tree
        self.isdir = isdir or (lambda p: os.path.isdir(os.path.join(tree.path, p)))
        self._mtext_bytes = mtext
        self.jobs = jobs
        self.emulate = emulate
        self.before_ask = before_ask
        self.emulated = self.asked = 0
        self.script = os.path.join(tree.path, "scripts", "get_maintainer.pl")
        self.mfile = os.path.join(tree.path, "MAINTAINERS")
        self.method = "none"
        self._sections = None
        self._cache = {}
        self._cache_path = None
        self.failed = None  # why the script failed, when it did
        if mtext is not None or os.path.isfile(self.mfile):
            self.method = "get_maintainer.pl" if os.path.isfile(self.script) else "MAINTAINERS"
            key = hashlib.sha1(self._mtext() + (self._script_bytes() if self.method == "get_maintainer.pl"
                                                 else b"")).hexdigest()[:16]
            # "v2": answers since the perl hash seed is fixed
            self._cache_path = os.path.join(paths.cache_home(), "maintainers", f"v2-{self.method}-{key}.json")
            try:
                with open(self._cache_path, encoding="utf-8") as f:
                    self._cache = json.load(f)
            except (OSError, ValueError):
                self._cache = {}

    def _mtext(self):
        if self._mtext_bytes is None:
            with open(self.mfile, "rb") as f:
                self._mtext_bytes = f.read()
        return self._mtext_bytes

    def _script_bytes(self):
        try:
            with open(self.script, "rb") as f:
                return f.read()
        except OSError as e:  # asked anyway: it fails then, and is said to
            return str(e).encode()

    def _ask_script(self, rel):
        """The section for rel, or None when the script failed (self.failed says why)."""
        if self.before_ask:
            self.before_ask(rel)
        try:
            r = subprocess.run(["perl", self.script, "--nogit", "--nogit-fallback", "--norolestats",
                                "--subsystem", "--no-email", "--no-l", "--no-s", "--no-tree", "-f", rel],
                               cwd=self.tree.path, capture_output=True, text=True, errors="replace",
                               # sections of equal specificity come in perl's hash order:
                               # fix the seed so that every run names the same one
                               env=dict(os.environ, PERL_HASH_SEED="0", PERL_PERTURB_KEYS="0"))
        except OSError as e:
            self.failed = f"cannot run perl: {e.strerror}"
            return None
        if r.returncode:
            last = [l.strip() for l in r.stderr.splitlines() if l.strip()][-1:]
            self.failed = f"exit status {r.returncode}" + (f": {last[0][:120]}" if last else "")
            return None
        names = [l.strip() for l in r.stdout.splitlines() if l.strip()]
        # the sections come most specific first; THE REST only when nothing else matches
        specific = [n for n in names if n != THE_REST]
        return specific[0] if specific else (THE_REST if names else NONE)

    def _ask_patterns(self, rel):
        if self._sections is None:
            self._sections = _parse_maintainers(self._mtext().decode("utf-8", "replace"))
        best, best_depth = None, -1
        for name, fs, xs, ns in self._sections:
            if any(_pattern_match(x, rel, self.isdir) for x in xs):
                continue
            depth = -1
            for p in fs:
                if _pattern_match(p, rel, self.isdir):
                    depth = max(depth, _depth(p) + (100 if p == rel else 0))
            for n in ns:
                try:
                    if re.search(n, rel):
                        depth = max(depth, 1)
                except re.error:
                    pass
            if depth > best_depth and name != THE_REST:
                best, best_depth = name, depth
        if best:
            return best
        return THE_REST if any(s[0] == THE_REST for s in self._sections) else NONE

    def lookup(self, rels):
        """{rel: section name} for every file, asking only for files not cached."""
        if self.method == "none":
            return {r: NONE for r in rels}
        missing = sorted({r for r in rels if r not in self._cache})
        if missing and self.emulate and self.method == "get_maintainer.pl":
            try:
                rules = GetMaintainerRules(self._mtext().decode("utf-8", "replace"), self.isdir)
            except re.error:
                rules = None  # a pattern Python cannot read: ask the script for everything
            if rules:
                undecided = []
                for rel in missing:
                    name = rules.decide(rel)
                    if name is None:
                        undecided.append(rel)
                    else:
                        self._cache[rel] = name
                self.emulated += len(missing) - len(undecided)
                missing = undecided
        self.asked += len(missing)
        if missing:
            ask = self._ask_script if self.method == "get_maintainer.pl" else self._ask_patterns
            fallback = {}
            if self.method == "get_maintainer.pl":
                with cf.ThreadPoolExecutor(max_workers=max(1, self.jobs)) as pool:
                    for rel, name in zip(missing, pool.map(ask, missing)):
                        if name is None:
                            fallback[rel] = None
                        else:
                            self._cache[rel] = name
            else:
                for rel in missing:
                    self._cache[rel] = ask(rel)
            if fallback:
                log.warning(f"{os.path.relpath(self.script, self.tree.path)} failed ({self.failed}): "
                            f"the MAINTAINERS entries of {len(fallback)} files are read from "
                            "MAINTAINERS instead")
                self.method = "MAINTAINERS (get_maintainer.pl failed)"
                fallback = {rel: self._ask_patterns(rel) for rel in fallback}
            try:
                write_json(self._cache_path, self._cache)
            except Exception:
                pass  # the cache only saves time
            return {r: fallback[r] if r in fallback else self._cache[r] for r in rels}
        return {r: self._cache[r] for r in rels}
