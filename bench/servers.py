"""The servers the throughput bench compares, each yielding its bench webhook URL and its process.

- gateway: the reference gateway as the README serves it;
- bare: a bare Flask app on the gateway's own server (what the server costs);
- ceiling: the same bare app on gunicorn gthread, 1 worker and 4 threads, the gateway's server before
  D-063. It is the fixed ceiling of issue 18: it does not move when the gateway's server changes.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import NamedTuple

from bench import PROJECT_DIR
from bench.affinity import pinned
from bench.cases import BENCH_WEBHOOK, write_gateway_config
from conformance.embedded_gateway import running_gateway, serving
from tests.redis_server import free_port

GATEWAY = "gateway"
BARE = "bare"
CEILING = "ceiling"
SERVERS = (GATEWAY, BARE, CEILING)

CANDIDATE_APP = "bench.candidate_app:app"


class Served(NamedTuple):
    """A server's bench webhook URL, and the process whose tree serves it."""

    url: str
    pid: int


def gthread_command(port: int, app: str = CANDIDATE_APP) -> list[str]:
    """gunicorn gthread with 1 worker and 4 threads serving `app` on loopback `port`."""
    bind = f"127.0.0.1:{port}"
    return [sys.executable, "-m", "gunicorn", "-b", bind, "-w", "1", "-k", "gthread", "--threads", "4", app]


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    """Return once something accepts connections on loopback `port`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")


@contextmanager
def served(
    command: list[str], port: int, env: dict[str, str], cpus: frozenset[int] | None
) -> Iterator[Served]:
    """Run `command` (started on `cpus`) while the block runs; yield the bench webhook on `port`."""
    with pinned(cpus):
        process = subprocess.Popen(
            command, env=env, cwd=PROJECT_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
    try:
        wait_for_port(port)
        yield Served(f"http://127.0.0.1:{port}{BENCH_WEBHOOK.path}", process.pid)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


@contextmanager
def gateway_served(work_dir: Path | None, synchronous: str | None = None) -> Iterator[Served]:
    """The reference gateway as the README serves it (gunicorn defaults, SQLite log on)."""
    with tempfile.TemporaryDirectory(prefix="bench-gateway-", dir=work_dir) as directory:
        config = write_gateway_config(Path(directory), synchronous)
        with running_gateway(["--config", str(config)], cwd=Path(directory)) as gateway:
            yield Served(gateway.base_url + BENCH_WEBHOOK.path, gateway.process.pid)


@contextmanager
def bare_served() -> Iterator[Served]:
    """The bare Flask app under the gateway's own server settings."""
    command = [sys.executable, "-u", "-m", "bench.bare_app", "--host", "127.0.0.1", "--port", "0"]
    with serving(command, cwd=PROJECT_DIR) as bare:
        yield Served(bare.base_url + BENCH_WEBHOOK.path, bare.process.pid)


@contextmanager
def ceiling_served() -> Iterator[Served]:
    """The bare Flask app on gunicorn gthread, 1 worker and 4 threads."""
    with tempfile.TemporaryDirectory(prefix="bench-ceiling-") as directory:
        config = write_gateway_config(Path(directory))
        env = os.environ | {"GATEWAY_CONFIG": str(config), "CANDIDATE_APP": "bare"}
        port = free_port()
        with served(gthread_command(port), port, env, None) as server:
            yield server


@contextmanager
def all_served(
    work_dir: Path | None, synchronous: str | None, cpus: frozenset[int] | None = None
) -> Iterator[dict[str, Served]]:
    """Every server at once, on `cpus` when given, so that the measurements of one case and
    concurrency run back to back under the same conditions."""
    with ExitStack() as servers:
        with pinned(cpus):
            servers_by_name = {
                GATEWAY: servers.enter_context(gateway_served(work_dir, synchronous)),
                BARE: servers.enter_context(bare_served()),
                CEILING: servers.enter_context(ceiling_served()),
            }
        yield servers_by_name
