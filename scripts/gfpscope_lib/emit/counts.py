"""Counts of sites per subsystem: the one grouping behind every table of counts.

group() makes one row per value of a key of the sites (their directory, their
MAINTAINERS entry), and total() one row of all of them. The caller says what a
row counts, as a list of columns:

  Count(names, which)        the columns `names`, 0 to start; which(site) names the
                             one the site adds 1 to, or is None for none of them
  Tally(name, which, order)  one column, a dict {value: n}: which(site) is the
                             value the site adds 1 to, or None; the values in
                             `order` first, the others sorted after them (in the
                             order they were first seen without `order`)

The census (census.py), the report's model (report.py), history and diff choose
their columns from the ones below or make their own; a row has the columns in the
order they are listed, after "subsystem", and the rows come out biggest first.
"""

NONE = "(none)"  # the row of the sites that have no value of the key


class Count:
    def __init__(self, names, which):
        self.names, self.which = tuple(names), which

    def start(self, row):
        row.update((n, 0) for n in self.names)

    def add(self, row, site):
        name = self.which(site)
        if name is not None:
            row[name] += 1

    def finish(self, row):
        pass


class Tally:
    def __init__(self, name, which, order=None):
        self.name, self.which, self.order = name, which, order

    def start(self, row):
        row[self.name] = {}

    def add(self, row, site):
        value = self.which(site)
        if value is not None:
            d = row[self.name]
            d[value] = d.get(value, 0) + 1

    def finish(self, row):
        if self.order is not None:
            row[self.name] = ordered(row[self.name], self.order)


def ordered(counts, order):
    """counts with the keys in `order` first, in that order, then the others sorted."""
    known = [k for k in order if k in counts]
    return {k: counts[k] for k in known + sorted(k for k in counts if k not in order)}


def every(name):
    """A column that counts every site."""
    return Count((name,), lambda s: name)


TOTAL = every("total")
KIND = Count(("nofs", "noio"), lambda s: s["kind"])
PARSED = Count(("parsed", "unparsed"), lambda s: "parsed" if s["parsed"] else "unparsed")
UNPARSED = Count(("unparsed",), lambda s: None if s["parsed"] else "unparsed")
VERDICT = Count(("convert", "keep"), lambda s: s.get("verdict") or None)
# what is left to do, by kind: the sites not proven (the report's chart)
LEFT = Count(("left_nofs", "left_noio"), lambda s: None if s.get("verdict") == "convert" else "left_" + s["kind"])


def _row(sites, columns, row):
    for c in columns:
        c.start(row)
    for s in sites:
        for c in columns:
            c.add(row, s)
    for c in columns:
        c.finish(row)
    return row


def total(sites, columns):
    """The counts of all the sites, in one row (no "subsystem")."""
    return _row(sites, columns, {})


def by_total(row):
    return -row["total"]


def group(sites, key, columns, rank=by_total):
    """One row per subsystem, {"subsystem": name, then the columns' counts}: a site's subsystem
    is site[key] (or key(site) when key is a function), "(none)" when it has none. Sorted by
    (rank(row), name): by default the most sites first."""
    get = key if callable(key) else (lambda s: s[key])
    members = {}
    for s in sites:
        members.setdefault(get(s) or NONE, []).append(s)
    rows = [_row(ss, columns, {"subsystem": name}) for name, ss in members.items()]
    return sorted(rows, key=lambda r: (rank(r), r["subsystem"]))
