"""A command line whose reader is gone early (`| head -1`) ends quietly, as Unix tools end."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

BROKEN_PIPE = 141  # 128 + SIGPIPE: what a shell reports for a writer its reader left


def quiet_on_broken_pipe(command: Callable[[], int]) -> int:
    """`command`'s exit status; BROKEN_PIPE, with no traceback, when its standard output's reader is gone."""
    try:
        status = command()
        sys.stdout.flush()  # a reader gone before the last buffered line shows here, not at exit
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing left to flush at exit
        return BROKEN_PIPE
    return status
