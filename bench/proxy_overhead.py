"""The latency the validating proxy adds: accepted signals sent one at a time to the reference gateway
directly and through `webhook-conformance proxy`, in alternation, each route over one keep-alive
connection; every body unique (D-055), so each is a new signal the proxy judges in full."""

from __future__ import annotations

import http.client
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bench import PROJECT_DIR
from bench.cases import CASES, numbered
from bench.servers import gateway_served
from bench.stats import LoadResult, summarize
from conformance.embedded_gateway import serving

SIGNALS = 1000  # per route
WARMUP = 50  # per route, not counted
ACCEPTED = next(case for case in CASES if case.name == "accepted")


@dataclass(frozen=True)
class ProxyOverhead:
    """Sequential latencies of the same kind of request on each route."""

    direct: LoadResult
    proxied: LoadResult

    @property
    def p50_ms(self) -> float:
        """What the proxy adds at the median."""
        return self.proxied.p50_ms - self.direct.p50_ms

    @property
    def p99_ms(self) -> float:
        """What it adds at the 99th percentile."""
        return self.proxied.p99_ms - self.direct.p99_ms


@contextmanager
def proxied(base_url: str) -> Iterator[str]:
    """`webhook-conformance proxy` in front of `base_url`; its URL."""
    command = [sys.executable, "-u", "-m", "conformance", "proxy", "--upstream", base_url]
    with serving([*command, "--listen", "127.0.0.1:0"], cwd=PROJECT_DIR) as proxy:
        yield proxy.base_url


def _connection(url: str) -> http.client.HTTPConnection:
    parts = urlsplit(url)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)


def _send(connection: http.client.HTTPConnection, path: str, body: bytes) -> tuple[float, int]:
    started = time.perf_counter()
    connection.request("POST", path, body, {"Content-Type": "application/json"})
    response = connection.getresponse()
    response.read()
    return time.perf_counter() - started, response.status


def proxy_overhead(work_dir: Path | None = None, signals: int = SIGNALS) -> ProxyOverhead:
    """Send `signals` accepted signals down each route, alternating; the latencies of each route."""
    with gateway_served(work_dir) as gateway:
        parts = urlsplit(gateway.url)
        base = f"{parts.scheme}://{parts.netloc}"
        with proxied(base) as proxy_url:
            routes = {"direct": _connection(base), "proxied": _connection(proxy_url)}
            latencies: dict[str, list[float]] = {route: [] for route in routes}
            statuses: dict[str, dict[str, int]] = {route: {} for route in routes}
            for index in range(WARMUP + signals):
                for route, connection in routes.items():
                    body = numbered(ACCEPTED.body, f"{route}-{index}")
                    seconds, status = _send(connection, parts.path, body)
                    if index >= WARMUP:
                        latencies[route].append(seconds)
                        statuses[route][str(status)] = statuses[route].get(str(status), 0) + 1
    results = {
        route: summarize(latencies[route], sum(latencies[route]), statuses[route], 0) for route in routes
    }
    return ProxyOverhead(results["direct"], results["proxied"])
