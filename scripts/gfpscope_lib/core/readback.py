"""Reading back what a scan wrote: every JSON file a later command reads, through one loader
with a shape check.

sites.json (core/sites.py holds its shape), providers.json, census.json and scopes.json are
read by patch, series, whatif, report and history --scan. A file of another shape (an older
gfpscope, a hand edit, another tool's file of the same name) is one clear error naming the
file and the first thing wrong in it, never a traceback half-way through a command or a
wrong answer. The shapes are data: a Record per JSON object, checked field by field.
"""
import json
import os
import re

from .errors import GfpError

NoneType = type(None)


def json_type(v):
    return {str: "a string", int: "a number", float: "a number", bool: "a boolean", list: "a list",
            dict: "an object", NoneType: "null"}.get(type(v), type(v).__name__)


def _at(where, key):
    """Where a field is, for the message: record 3: proof.chain[0].caller."""
    if isinstance(key, int):
        return f"{where}[{key}]"
    if not where:
        return key
    return f"{where}.{key}" if ":" in where or " " not in where else f"{where}: {key}"


class Leaf:
    """A JSON scalar of one of these Python types (exactly: true is not a number), and,
    when given, one of these values or passing test (which returns what is wrong, or None)."""

    def __init__(self, *types, values=None, test=None):
        self.types, self.values, self.test = types, values, test

    def why(self, v, where):
        if type(v) not in self.types:
            want = " or ".join(sorted({json_type(t()) if t is not NoneType else "null" for t in self.types}))
            return f"{where} is {json_type(v)}, not {want}"
        if self.values is not None and v not in self.values:
            return f"{where} is {v!r}, not one of {', '.join(map(str, sorted(self.values, key=str)))}"
        bad = self.test(v) if self.test else None
        return f"{where} {bad}" if bad else None


class Nullable:
    def __init__(self, shape):
        self.shape = shape

    def why(self, v, where):
        return None if v is None else self.shape.why(v, where)


class ListOf:
    """A list; each item is `name N` in messages when name is given (record 3), else where[N]."""

    def __init__(self, item, name=None):
        self.item, self.name = item, name

    def why(self, v, where):
        if not isinstance(v, list):
            return f"{where or 'the file'} is {json_type(v)}, not a list"
        for i, x in enumerate(v):
            bad = self.item.why(x, f"{self.name} {i}" if self.name else _at(where, i))
            if bad:
                return bad
        return None


class MapOf:
    """An object whose keys are names (key checked by a Leaf of str) and values one shape."""

    def __init__(self, value, key=None):
        self.value, self.key = value, key

    def why(self, v, where):
        if not isinstance(v, dict):
            return f"{where or 'the file'} is {json_type(v)}, not an object"
        for k, x in v.items():
            bad = (self.key.why(k, f"{where or 'the file'} key") if self.key else None) or self.value.why(x, _at(where, k))
            if bad:
                return bad
        return None


class Record:
    """An object with these fields (required), these optional ones, and then test(v), a
    check across fields that returns what is wrong or None."""

    def __init__(self, fields, optional=None, test=None):
        self.fields, self.optional, self.test = fields, optional or {}, test

    def why(self, v, where):
        if not isinstance(v, dict):
            return f"{where or 'the file'} is {json_type(v)}, not an object"
        for k, shape in self.fields.items():
            if k not in v:
                return f"{where or 'the file'} has no '{k}'"
            bad = shape.why(v[k], _at(where, k))
            if bad:
                return bad
        for k, shape in self.optional.items():
            bad = shape.why(v[k], _at(where, k)) if k in v else None
            if bad:
                return bad
        bad = self.test(v) if self.test else None
        return f"{where}: {bad}" if bad and where else bad


def _rel_path(p):
    """A path inside the tree as scan records it: relative, normalised, one line."""
    if not p or p.startswith("/") or "\n" in p or "\0" in p or os.path.normpath(p) != p or p.startswith(".."):
        return f"is {p!r}, not a path inside the tree"
    return None


def _ident(name):
    return None if re.fullmatch(r"[A-Za-z_]\w*", name) else f"is {name!r}, not a C name"


STR = Leaf(str)
OPT_STR = Leaf(str, NoneType)
BOOL = Leaf(bool)
INT = Leaf(int)
COUNT = Leaf(int, test=lambda n: None if n >= 0 else f"is {n}, not a count")
PATH = Leaf(str, test=_rel_path)
NAME = Leaf(str, test=_ident)


ABSENT = object()  # what load_json gives for a file that is not there (null is JSON's None)


def load_json(out, name, required=True):
    """OUT/name, a JSON file a scan wrote (ABSENT when it is not there and not required)."""
    path = os.path.join(out, name)
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        if not required:
            return ABSENT
        raise GfpError(f"{path} not found: run gfpscope scan --out {out} first")
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise GfpError(f"{path} is not valid JSON: run gfpscope scan --out {out} again")
    except OSError as e:
        raise GfpError(f"cannot read {path}: {e.strerror}")


def load(out, name, shape, required=True):
    """OUT/name, checked against shape: the one way a command reads a scan's file back."""
    data = load_json(out, name, required)
    if data is ABSENT:
        return None
    why = shape.why(data, "")
    if why:
        raise GfpError(f"{os.path.join(out, name)} is not what this gfpscope's scan writes ({why}): "
                       f"run gfpscope scan --out {out} again")
    return data


# ---------------------------------------------------------------- the other files' shapes

START = Record({"kind": Leaf(str, values={"nofs", "noio"}), "shape": Leaf(str, values={"plain", "ptr", "int"}),
                "how": STR, "via": ListOf(NAME), "declared": BOOL})
PROVIDERS = Record({"starts": MapOf(START, key=NAME), "stops": ListOf(NAME)})

_ROW = Record({"subsystem": STR, "total": COUNT})
CENSUS = Record({
    "tree": Record({"version": Leaf(str, test=lambda v: None if re.fullmatch(r"\d+\.\d+\.\d+", v)
                                    else f"is {v!r}, not a version"),
                    "path": OPT_STR}),
    "totals": Record({k: COUNT for k in ("sites", "nofs", "noio", "convert", "keep", "unparsed")},
                     optional={"unparsed_by_reason": MapOf(COUNT), "by_reason": MapOf(COUNT)}),
    "by_directory": ListOf(_ROW), "by_maintainers": ListOf(_ROW)},
    optional={"scope": OPT_STR, "maintainers_from": OPT_STR})

SCOPES = Record({
    "summary": MapOf(MapOf(COUNT)),
    "findings": ListOf(Record({"rule": STR, "kind": STR, "file": PATH, "line": INT, "message": STR}))})


def providers(out):
    """OUT/providers.json ({} of each when an older scan wrote none): whatif's starting point."""
    return load(out, "providers.json", PROVIDERS, required=False) or {"starts": {}, "stops": []}


def census(out, required=True):
    return load(out, "census.json", CENSUS, required)


def scopes(out):
    """OUT/scopes.json, or None when the scan wrote none."""
    return load(out, "scopes.json", SCOPES, required=False)
