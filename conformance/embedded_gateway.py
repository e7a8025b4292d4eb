"""Start the reference gateway as a separate process (gunicorn, real HTTP) and stop it again."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

_LISTENING = re.compile(r"^Listening at (\S+)")
_WEBHOOK = re.compile(r"^\s+webhook (\S+)")
_READY = "Press Ctrl+C to stop."  # the gateway's last start-up line


class GatewayStartError(RuntimeError):
    """The gateway exited or stayed silent instead of announcing its URL."""


@dataclass
class RunningGateway:
    """A gateway process: its base URL, the webhook URLs it announced, and everything it printed."""

    process: subprocess.Popen
    base_url: str = ""
    webhook_urls: list[str] = field(default_factory=list)
    output: list[str] = field(default_factory=list)
    ready: threading.Event = field(default_factory=threading.Event)

    def _read_output(self) -> None:
        for line in self.process.stdout:
            self.output.append(line)
            if match := _LISTENING.match(line):
                self.base_url = match.group(1)
            elif (match := _WEBHOOK.match(line)) and not self.ready.is_set():
                self.webhook_urls.append(match.group(1))
            elif line.strip() == _READY:
                self.ready.set()
        self.ready.set()


def _wait_until_announced(gateway: RunningGateway, timeout: float) -> None:
    gateway.ready.wait(timeout)
    if not gateway.base_url or gateway.process.poll() is not None:
        gateway.process.kill()
        raise GatewayStartError("the gateway did not start:\n" + "".join(gateway.output[-20:]))


@contextmanager
def running_gateway(
    args: Sequence[str] = (), cwd: Path | None = None, timeout: float = 30.0
) -> Iterator[RunningGateway]:
    """Serve `python -m reference_server serve --port 0 ARGS` on loopback while the block runs."""
    command = [
        sys.executable,
        "-u",
        "-m",
        "reference_server",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        *args,
    ]
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
    )
    gateway = RunningGateway(process)
    threading.Thread(target=gateway._read_output, daemon=True).start()
    try:
        _wait_until_announced(gateway, timeout)
        yield gateway
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
