"""`webhook-spec lint --serve` as a process for the tests: started, its printed URL read, stopped."""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass

SERVE_COMMAND = (sys.executable, "-u", "-m", "webhook_spec", "lint", "--serve")
URL = re.compile(r"(http://127\.0\.0\.1:\d+/)")
START_TIMEOUT = 30.0  # seconds until the URL is printed


@dataclass
class LintServer:
    """A running `webhook-spec lint --serve`: its process, its URL and what it printed first."""

    process: subprocess.Popen
    url: str
    first_line: str

    def interrupt(self, timeout: float = 10.0) -> tuple[int, str, str]:
        """Ctrl-C it (SIGINT) and wait: its exit code, and the rest of its stdout and stderr."""
        self.process.send_signal(signal.SIGINT)
        out, err = self.process.communicate(timeout=timeout)
        return self.process.returncode, out.decode(), err.decode()


def _first_line(process: subprocess.Popen, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    line = b""
    while not line.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([process.stdout], [], [], left)[0]:
            raise TimeoutError(f"no URL printed within {timeout} s")
        byte = os.read(process.stdout.fileno(), 1)
        if not byte:
            raise RuntimeError(f"it exited: {process.wait()}, {process.stderr.read()}")
        line += byte
    return line.decode()


@contextmanager
def lint_server(extra: Sequence[str] = ()) -> Iterator[LintServer]:
    """Serve the linter's page from a process while the block runs."""
    process = subprocess.Popen(
        [*SERVE_COMMAND, *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL
    )
    try:
        first = _first_line(process, START_TIMEOUT)
        match = URL.search(first)
        assert match, f"no loopback URL in {first!r}"
        yield LintServer(process, match.group(1), first)
    finally:
        if process.poll() is None:
            process.kill()
        with suppress(subprocess.TimeoutExpired):
            process.communicate(timeout=10)
