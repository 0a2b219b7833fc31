"""Step 5, the rewrite: one unified diff of every convert verdict, targeted by position.

Each site is rewritten exactly where sites.json says it is: the token at
(line, col) must still read GFP_NOFS/GFP_NOIO, and only that token changes
(so `GFP_NOFS | __GFP_NOFAIL` becomes `GFP_KERNEL | __GFP_NOFAIL`). No
pattern is applied to the tree, so nothing the analysis did not prove is
touched. The kernel tree itself is only read.
"""
import os
import subprocess
import tempfile

from ..analyse import proof
from ..core import sites as sites_file
from ..core.atomic import write_bytes
from ..core.errors import GfpError
from ..emit.rewrite import chosen, make_diff


def check_applies(tree, diff):
    """`git apply --check` in the tree: reads the tree, writes nothing."""
    if not diff:
        return
    with tempfile.NamedTemporaryFile("wb", suffix=".patch", delete=False) as f:
        f.write(diff)
        name = f.name
    try:
        # never let git find a repository above the tree: from a subdirectory of
        # one, `git apply` would silently skip paths outside that subdirectory
        env = dict(os.environ, GIT_CEILING_DIRECTORIES=os.path.dirname(tree.path))
        r = subprocess.run(["git", "apply", "--check", name], cwd=tree.path, capture_output=True,
                           text=True, env=env)
    except FileNotFoundError:
        raise GfpError("git is not installed: it is needed to check the patch (apt-get install git)")
    finally:
        os.unlink(name)
    if r.returncode:
        raise GfpError("the patch does not apply to the tree: " + (r.stderr.strip().splitlines() or ["?"])[0])


def run(tree, out, confidence="high"):
    sites = chosen(sites_file.load(out), confidence)
    proof.check(tree, sites)  # the files still are what the scan proved, the chain still holds
    diff = make_diff(tree, sites)
    check_applies(tree, diff)
    path = os.path.join(out, "gfpscope.patch")
    write_bytes(path, diff)
    return path, sites
