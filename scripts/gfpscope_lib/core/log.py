"""What gfpscope tells the user besides its results: one logger, "gfpscope".

Modules report through log = logging.getLogger("gfpscope") (log.warning for what the user
should know about the run, log.info for how it went); cli.main formats it as the single
lines the tests and the README quote: "gfpscope: warning: FILE: ..." and "gfpscope: ...".
"""
import logging
import sys

log = logging.getLogger("gfpscope")


class _Format(logging.Formatter):
    def format(self, record):
        tag = "warning: " if record.levelno >= logging.WARNING else ""
        return f"gfpscope: {tag}{record.getMessage()}"


def setup():
    """Lines to stderr, as print(..., file=sys.stderr) wrote them (set up once, by cli.main)."""
    if not log.handlers:
        h = logging.StreamHandler(sys.stderr)
        h.setFormatter(_Format())
        log.addHandler(h)
        log.setLevel(logging.INFO)
        log.propagate = False
