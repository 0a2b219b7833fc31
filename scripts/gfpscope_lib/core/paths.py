"""Where gfpscope's own files live: the repository, its rules, its caches."""
import os

from .errors import GfpError

# scripts/gfpscope_lib/core/paths.py -> the repository
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
COCCI = os.path.join(REPO, "cocci")
FACTS_RULE = os.path.join(COCCI, "facts", "sites.cocci")
SCOPED_CALLS_RULE = os.path.join(COCCI, "facts", "scoped_calls.cocci")
OWN_ENDS_RULE = os.path.join(COCCI, "facts", "own_ends.cocci")
TOKEN_TYPES_RULE = os.path.join(COCCI, "facts", "token_types.cocci")
TOKEN_CALLS_RULE = os.path.join(COCCI, "facts", "token_calls.cocci")
PROVIDERS_CONF = os.path.join(COCCI, "providers.conf")  # declared scope providers
BUILD = os.path.join(REPO, "build")
GFPLEX_SRC = os.path.join(REPO, "scripts", "gfplex", "gfplex.c")
GFPLEX = os.path.join(BUILD, "gfplex")


def data_home():
    """Where make setup unpacks the default tree and builds the history repositories:
    $XDG_CACHE_HOME/gfpscope, or ~/.cache/gfpscope (the Makefile's CACHE says the same)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "gfpscope")


def cache_home():
    """The fact caches: data_home(), or $GFPSCOPE_CACHE (the tests give each test its own).
    A cache that is not a directory is an error: every write into it would fail, silently
    (a cache that cannot be written only costs time), and every run would redo all its work."""
    env = os.environ.get("GFPSCOPE_CACHE")
    home = env or data_home()
    if os.path.exists(home) and not os.path.isdir(home):
        raise GfpError(f"{'GFPSCOPE_CACHE=' if env else 'the cache '}{home} is not a directory: "
                       "give a directory (or remove the file)")
    return home
