"""Serve a command in its own session, so that its whole process group (gunicorn master and workers)
can be killed at once; it must print `Listening at URL` and then the gateway's ready line."""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from reference_server.serve import READY_LINE

LISTENING = re.compile(r"^Listening at (\S+)")
STOP_TIMEOUT = 10.0


@dataclass
class ServedProcess:
    """A server process leading its own process group, and what it printed."""

    process: subprocess.Popen
    base_url: str = ""
    output: list[str] = field(default_factory=list)
    ready: threading.Event = field(default_factory=threading.Event)

    def read_output(self) -> None:
        """Collect the output; note the base URL and when the server is ready."""
        for line in self.process.stdout:
            self.output.append(line)
            if match := LISTENING.match(line):
                self.base_url = match.group(1)
            elif line.strip() == READY_LINE:
                self.ready.set()
        self.ready.set()

    def signal_group(self, signum: int) -> None:
        """Send `signum` to every process of the group (the leader's pid is the group id)."""
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signum)

    def kill_group(self) -> None:
        """SIGKILL the master and all its workers at once, then wait until the group is gone."""
        self.signal_group(signal.SIGKILL)
        self.process.wait(timeout=STOP_TIMEOUT)
        _wait_group_gone(self.process.pid, STOP_TIMEOUT)

    def stop(self) -> None:
        """SIGTERM the group (gunicorn's graceful stop); SIGKILL it if it lingers."""
        self.signal_group(signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill_group()
        _wait_group_gone(self.process.pid, STOP_TIMEOUT)


def _wait_group_gone(pgid: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.02)


def start_served(command: Sequence[str], cwd: Path | None = None, timeout: float = 30.0) -> ServedProcess:
    """Start `command` in a new session and wait until it announces its URL."""
    process = subprocess.Popen(
        command,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
        start_new_session=True,
    )
    served = ServedProcess(process)
    threading.Thread(target=served.read_output, daemon=True).start()
    served.ready.wait(timeout)
    if not served.base_url or process.poll() is not None:
        served.stop()
        raise RuntimeError(f"{shlex.join(command)} did not start:\n" + "".join(served.output[-20:]))
    return served


@contextmanager
def served(command: Sequence[str], cwd: Path | None = None) -> Iterator[ServedProcess]:
    """Serve `command` while the block runs; stop its whole process group afterwards."""
    process = start_served(command, cwd)
    try:
        yield process
    finally:
        process.stop()
