"""checkpatch.pl --strict on a series, judged on what each patch changes.

A mechanical conversion is answerable for the lines it changes and nothing else: a finding on
a changed line counts, unless it is a CHECK the line had before the patch (found by running
checkpatch again on the patch with its changed lines put back); a CHECK on a line the patch
does not change is not the patch's. Anything on the commit text, and any other ERROR or
WARNING, refuses the series: the series must have none.
"""
import os
import re
import subprocess

from ..core.errors import GfpError


# checkpatch's own test for the top of a kernel tree: without it, --no-tree
_TOP = ("COPYING", "CREDITS", "Kbuild", "MAINTAINERS", "Makefile", "README", "Documentation",
        "arch", "include", "drivers", "fs", "init", "ipc", "kernel", "lib", "scripts")


def run(tree, patch_file):
    """checkpatch --strict: ([(file, line, "ERROR: ...")] on code, [messages elsewhere]).

    Every ERROR, WARNING and CHECK counts: a mechanical series must be clean.
    """
    script = os.path.join(tree.path, "scripts", "checkpatch.pl")
    if not os.path.isfile(script):
        raise GfpError(f"{tree.path} has no scripts/checkpatch.pl, which the series' proof needs: "
                       "give a kernel tree that has it")
    # stdout is a pipe, so checkpatch prints no colour codes
    cmd = ["perl", script, "--strict"]
    if not all(os.path.exists(os.path.join(tree.path, t)) for t in _TOP):
        cmd.append("--no-tree")
    r = subprocess.run(cmd + [patch_file], cwd=tree.path, capture_output=True, text=True)
    on_code, other = [], []
    lines = r.stdout.splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"^(ERROR|WARNING|CHECK):", line)
        if not m:
            continue
        loc = re.match(r"^#\d+: FILE: (\S+):(\d+):", lines[i + 1]) if i + 1 < len(lines) else None
        if loc:
            on_code.append((loc.group(1), int(loc.group(2)), line.strip()))
        else:
            other.append(line.strip())
    if r.returncode and not on_code and not other:
        other.append("checkpatch.pl failed: " + (r.stderr.strip().splitlines() or r.stdout.strip().splitlines() or ["?"])[-1])
    return on_code, other



def _as_before(patch_text):
    """The patch with each changed line put back as it was: checkpatch on it reports what the
    changed lines already had before this patch (every rewrite here keeps the line count)."""
    out, minus, plus = [], [], []

    def flush():
        if len(minus) == len(plus):
            out.extend(minus + ["+" + m[1:] for m in minus])
        else:
            out.extend(minus + plus)
        minus.clear()
        plus.clear()
    in_diff = False
    for line in patch_text.split("\n"):
        if line.startswith("diff --git "):
            in_diff = True
        if in_diff and line.startswith("-") and not line.startswith("--- ") and not plus:
            minus.append(line)
            continue
        if in_diff and line.startswith("+") and not line.startswith("+++ ") and minus:
            plus.append(line)
            continue
        flush()
        out.append(line)
    flush()
    return "\n".join(out)


def judge(tree, patch_file, patch_sites):
    """checkpatch --strict judged on what this patch changes: ([(site, finding)] to leave out,
    [(site, finding)] already there before the patch). Raises on anything else.

    A finding on a line the patch changes counts, unless checkpatch reports the same CHECK on
    that line as it was (kzalloc(sizeof(struct grant), ...) asks for sizeof(*p) whatever the
    flags say). A CHECK on a line the patch does not change is not this patch's; a message
    on the commit text, or an ERROR or WARNING elsewhere, refuses the series.
    """
    on_code, other = run(tree, patch_file)
    name = os.path.basename(patch_file)
    if other:
        raise GfpError(f"checkpatch --strict on {name}: {other[0]}")
    drop, kept, before = [], [], None
    for rel, line, msg in on_code:
        hit = [s for s in patch_sites if s["file"] == rel and s["line"] == line]
        if not hit:
            if msg.startswith("CHECK:"):
                continue
            raise GfpError(f"checkpatch --strict on {name}: {rel}:{line}: {msg}")
        if before is None:
            with open(patch_file, encoding="utf-8", newline="") as f:
                text = _as_before(f.read())
            tmp = patch_file + ".before"
            with open(tmp, "w", encoding="utf-8", newline="") as f:
                f.write(text)
            before = set(run(tree, tmp)[0])
            os.unlink(tmp)
        if msg.startswith("CHECK:") and (rel, line, msg) in before:
            kept += [(s, msg) for s in hit]
        else:
            drop += [(s, f"checkpatch --strict on the converted line: {msg}") for s in hit]
    return drop, kept
