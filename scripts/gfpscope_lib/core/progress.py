"""A progress line on stderr for runs that take more than a few seconds."""
import sys
import threading
import time


class Progress:
    def __init__(self, what, total, quiet=False, delay=3.0):
        self.what, self.total, self.quiet, self.delay = what, total, quiet, delay
        self.done = 0
        self.t0 = time.monotonic()
        self.last = 0.0
        self.tty = sys.stderr.isatty()
        self.lock = threading.Lock()
        self.shown = False

    def step(self, n=1):
        with self.lock:
            self.done += n
            now = time.monotonic()
            if self.quiet or now - self.t0 < self.delay:
                return
            # a tty gets a line rewritten in place; a log gets one every 10 s
            if (self.tty and now - self.last >= 0.2) or now - self.last >= 10:
                self.last = now
                self._show(now)

    def _show(self, now):
        pct = 100 * self.done // max(self.total, 1)
        msg = f"gfpscope: {self.what} {self.done}/{self.total} files ({pct}%), {now - self.t0:.0f}s"
        if self.tty:
            sys.stderr.write("\r" + msg + "\033[K")
        else:
            sys.stderr.write(msg + "\n")
        sys.stderr.flush()
        self.shown = True

    def finish(self):
        if self.shown and self.tty:
            sys.stderr.write("\n")
            sys.stderr.flush()
