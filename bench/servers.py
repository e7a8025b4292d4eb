"""The two servers the throughput bench compares, each yielding the bench webhook's URL."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench import PROJECT_DIR
from bench.cases import BENCH_WEBHOOK, write_gateway_config
from bench.processes import served
from conformance.embedded_gateway import running_gateway

GATEWAY = "gateway"
BARE = "bare"
SERVERS = (GATEWAY, BARE)


@contextmanager
def gateway_url(work_dir: Path | None, synchronous: str | None = None) -> Iterator[str]:
    """The reference gateway as the README serves it (gunicorn defaults, SQLite log on)."""
    with tempfile.TemporaryDirectory(prefix="bench-gateway-", dir=work_dir) as directory:
        config = write_gateway_config(Path(directory), synchronous)
        with running_gateway(["--config", str(config)], cwd=Path(directory)) as gateway:
            yield gateway.base_url + BENCH_WEBHOOK.path


@contextmanager
def bare_url() -> Iterator[str]:
    """The bare Flask app under the same gunicorn settings."""
    command = [sys.executable, "-u", "-m", "bench.bare_app", "--host", "127.0.0.1", "--port", "0"]
    with served(command, cwd=PROJECT_DIR) as bare:
        yield bare.base_url + BENCH_WEBHOOK.path


@contextmanager
def both_urls(work_dir: Path | None, synchronous: str | None) -> Iterator[dict[str, str]]:
    """Both servers at once, so that each measurement pair runs back to back under the same conditions."""
    with gateway_url(work_dir, synchronous) as gateway, bare_url() as bare:
        yield {GATEWAY: gateway, BARE: bare}
