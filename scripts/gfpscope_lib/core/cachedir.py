"""A cache directory's housekeeping: keep the most recently used entries.

The caches (the call graph's entries, the word greps' answers and blob-id lists) grow by
one entry per tree content and version of the code; each keeps a fixed number, the most
recently used. Readers touch an entry they use (os.utime), so its mtime says when it was
last used. A writer writes through atomic.py's temporary file, .NAME.XXXX.tmp beside the
entry: such a file is no entry; one left by a writer that was killed goes once it is old.
"""
import os
import time

STALE_TMP_S = 3600  # a temporary file this old is a killed writer's


def _is_tmp(name):
    return name.startswith(".") and name.endswith(".tmp")


def prune(dirs, keep, is_entry=lambda name: True):
    """Remove all but the `keep` most recently used entries among the files of dirs (the
    entries of all of them compete), and the temporary files older than STALE_TMP_S."""
    entries, stale, now = [], [], time.time()
    for d in dirs:
        try:
            names = os.listdir(d)
        except OSError:
            continue
        for n in names:
            p = os.path.join(d, n)
            try:
                m = os.stat(p).st_mtime
            except OSError:
                continue
            if _is_tmp(n):
                if now - m > STALE_TMP_S:
                    stale.append(p)
            elif is_entry(n):
                entries.append((m, p))
    for p in [p for _m, p in sorted(entries, reverse=True)[keep:]] + stale:
        try:
            os.unlink(p)
        except OSError:
            pass


def subdirs(top, leave_out=()):
    """The directories in top, less those named in leave_out."""
    try:
        names = sorted(os.listdir(top))
    except OSError:
        return []
    return [os.path.join(top, n) for n in names if n not in leave_out and os.path.isdir(os.path.join(top, n))]
