"""Errors a user can act on, with the documented exit status.

0 success, 1 findings (where a command is used as a check), 2 usage or
environment error, 3 internal error (an exception no check foresaw: a bug in
gfpscope, printed as one line by cli.internal_error). Every GfpError is printed
as one line: "gfpscope: <msg>". 130 and 143: interrupted by SIGINT or SIGTERM.
"""

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


class GfpError(Exception):
    def __init__(self, msg, status=EXIT_USAGE):
        super().__init__(msg)
        self.status = status
