"""Atomic output: write a temporary file beside the target, fsync, rename.

An interrupted run never leaves a half-written file that looks complete.
"""
import json
import os
import tempfile

from .errors import GfpError


def write_text(path, text):
    # a file name that is not UTF-8 is kept as surrogates (lexsites.py): write its bytes back
    _write(path, [text.encode("utf-8", "surrogateescape")])


def write_bytes(path, data):
    _write(path, [data])


def write_chunks(path, chunks, sync=True):
    """Write an iterable of bytes, one piece at a time (a large cache entry is never whole
    in memory). sync=False: no fsync, for a cache whose entries carry their own digest."""
    _write(path, chunks, sync)


def _write(path, chunks, sync=True):
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
        with os.fdopen(fd, "wb") as f:
            for data in chunks:
                f.write(data)
            f.flush()
            if sync:
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


def json_text(obj):
    """The JSON every gfpscope output uses: one key per line, keys in the order built."""
    return json.dumps(obj, indent=1, sort_keys=False) + "\n"


def write_json(path, obj):
    write_text(path, json_text(obj))


def check_writable_dir(path):
    """Create path if needed and prove we can write there, before long work."""
    try:
        os.makedirs(path, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".gfpscope-probe.", dir=path)
        os.close(fd)
        os.unlink(tmp)
    except OSError as e:
        raise GfpError(f"output directory {path} is not writable: {e.strerror}")


def _remove_dead_stages(out):
    """A run killed with SIGKILL leaves its staging directory behind (nothing in it was
    published). The directory names its process; remove those whose process is gone."""
    import shutil
    for name in os.listdir(out):
        parts = name.split(".")
        if not name.startswith(".gfpscope-stage.") or len(parts) < 4 or not parts[2].isdigit():
            continue
        try:
            os.kill(int(parts[2]), 0)
            continue  # that run is still going (or the pid was re-used: leave it)
        except ProcessLookupError:
            shutil.rmtree(os.path.join(out, name), ignore_errors=True)
        except OSError:
            continue


class FileSet:
    """Several outputs that belong together, published so that a torn set never looks complete.

    Every file is first written into a staging directory beside the targets (same
    file system, so a rename is atomic). publish() then removes the old copy of the
    `last` file (the one a person opens: report.html), renames the others into
    place, and renames `last` in at the very end. An interruption at any point
    leaves either the old files, or a mix of complete files *without* `last`:
    never a `last` that stands beside stale or half-written companions.
    """

    def __init__(self, out, last):
        self.out, self.last = out, last
        check_writable_dir(out)
        _remove_dead_stages(out)
        try:
            self.stage = tempfile.mkdtemp(prefix=f".gfpscope-stage.{os.getpid()}.", dir=out)
        except OSError as e:
            raise GfpError(f"output directory {out} is not writable: {e.strerror}")
        self.names = []

    def path(self, name):
        """Where to write `name` while staging (for writers that want a path)."""
        if name not in self.names:
            self.names.append(name)
        return os.path.join(self.stage, name)

    def text(self, name, text):
        write_text(self.path(name), text)

    def json(self, name, obj):
        write_text(self.path(name), json_text(obj))

    def bytes(self, name, data):
        write_bytes(self.path(name), data)

    def publish(self):
        try:
            if self.last in self.names:
                try:
                    os.unlink(os.path.join(self.out, self.last))
                except FileNotFoundError:
                    pass
            order = sorted(self.names, key=lambda n: n == self.last)
            for name in order:
                self._move(name)
        except OSError as e:
            raise GfpError(f"cannot write {self.out}: {e.strerror}")
        return [os.path.join(self.out, n) for n in order]

    def _move(self, name):
        os.replace(os.path.join(self.stage, name), os.path.join(self.out, name))

    def discard(self):
        import shutil
        shutil.rmtree(self.stage, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.discard()  # after publish() the stage is empty; on error it holds the partial set
        return False
