"""A real redis-server on a free loopback port, for the tests and benches that share limits through it."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

START_TIMEOUT = 10.0


class RedisMissing(RuntimeError):
    """redis-server is not installed."""


def free_port() -> int:
    """A TCP port free on loopback right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class RedisServer:
    """A running redis-server: its URL, and ways to pause, resume, stop and restart it."""

    directory: Path
    port: int
    process: subprocess.Popen | None = None

    def url(self, database: int = 0) -> str:
        """The redis:// URL of one of its databases."""
        return f"redis://127.0.0.1:{self.port}/{database}"

    def client(self, database: int = 0) -> redis.Redis:
        """A client of one database, with timeouts, to read keys directly."""
        return redis.Redis.from_url(self.url(database), socket_timeout=5, socket_connect_timeout=5)

    def start(self) -> None:
        """Start it (again) on its port, and return once it answers."""
        server = shutil.which("redis-server")
        if server is None:
            raise RedisMissing("redis-server is not installed")
        command = [server, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        command += ["--appendonly", "no", "--dir", str(self.directory)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            with suppress(redis.RedisError):
                if self.client().ping():
                    return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"redis-server did not answer on port {self.port}")

    def pause(self) -> None:
        """SIGSTOP it: connections are still accepted by the kernel, but nothing is answered."""
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        """SIGCONT it."""
        os.kill(self.process.pid, signal.SIGCONT)

    def stop(self) -> None:
        """Kill it (resumed first, should it be paused) and wait until it is gone."""
        if self.process is None or self.process.poll() is not None:
            return
        with suppress(ProcessLookupError):
            os.kill(self.process.pid, signal.SIGCONT)
        self.process.kill()
        self.process.wait(START_TIMEOUT)


@contextmanager
def redis_server(directory: Path) -> Iterator[RedisServer]:
    """Run a redis-server, keeping its files in `directory`, while the block runs; kill it afterwards."""
    directory.mkdir(parents=True, exist_ok=True)
    server = RedisServer(directory, free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def redis_for_test(directory: Path) -> Iterator[RedisServer]:
    """redis_server for a test: skipped without redis-server, but failed on CI (.ci/run installs it)."""
    if shutil.which("redis-server") is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is not installed: .ci/run installs it")
        pytest.skip("redis-server is not installed")
    with redis_server(directory) as server:
        yield server
