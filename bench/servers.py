"""The two servers the throughput bench compares, each yielding the bench webhook's URL."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from bench import PROJECT_DIR
from bench.affinity import pinned
from bench.cases import BENCH_WEBHOOK, write_gateway_config
from conformance.embedded_gateway import running_gateway, serving

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
    with serving(command, cwd=PROJECT_DIR) as bare:
        yield bare.base_url + BENCH_WEBHOOK.path


@contextmanager
def both_urls(
    work_dir: Path | None, synchronous: str | None, cpus: frozenset[int] | None = None
) -> Iterator[dict[str, str]]:
    """Both servers at once, on `cpus` when given, so that each measurement pair runs back to back
    under the same conditions."""
    with ExitStack() as servers:
        with pinned(cpus):
            urls = {
                GATEWAY: servers.enter_context(gateway_url(work_dir, synchronous)),
                BARE: servers.enter_context(bare_url()),
            }
        yield urls
