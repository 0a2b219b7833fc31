"""Where gfpscope's own files live: the repository, its rules, its caches."""
import os

# scripts/gfpscope_lib/core/paths.py -> the repository
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
COCCI = os.path.join(REPO, "cocci")
FACTS_RULE = os.path.join(COCCI, "facts", "sites.cocci")
SCOPED_CALLS_RULE = os.path.join(COCCI, "facts", "scoped_calls.cocci")
BUILD = os.path.join(REPO, "build")
GFPLEX_SRC = os.path.join(REPO, "scripts", "gfplex", "gfplex.c")
GFPLEX = os.path.join(BUILD, "gfplex")


def cache_home():
    """~/.cache/gfpscope, or $GFPSCOPE_CACHE (tests point it elsewhere)."""
    c = os.environ.get("GFPSCOPE_CACHE")
    if c:
        return c
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "gfpscope")
