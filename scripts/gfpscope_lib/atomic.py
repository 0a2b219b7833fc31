"""Atomic output: write a temporary file beside the target, fsync, rename.

An interrupted run never leaves a half-written file that looks complete.
"""
import json
import os
import tempfile

from .errors import GfpError


def write_text(path, text):
    d = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(d, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=d)
    except OSError as e:
        raise GfpError(f"cannot write to {d}: {e.strerror}")
    try:
        # mkstemp makes the file 0600: give it the mode a plain open() would
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, OSError):
            raise GfpError(f"cannot write {path}: {e.strerror}")
        raise


def write_json(path, obj):
    write_text(path, json.dumps(obj, indent=1, sort_keys=False) + "\n")


def check_writable_dir(path):
    """Create path if needed and prove we can write there, before long work."""
    try:
        os.makedirs(path, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".gfpscope-probe.", dir=path)
        os.close(fd)
        os.unlink(tmp)
    except OSError as e:
        raise GfpError(f"output directory {path} is not writable: {e.strerror}")
