"""A Python load generator: one thread and one keep-alive connection per client, POSTing one body.

Run as its own process (`python -m bench.loadgen ...`) so that it never shares a GIL with the server;
it prints one JSON LoadResult. Every loop is bounded by a deadline and a request count.
"""

from __future__ import annotations

import argparse
import http.client
import json
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bench.cases import numbered
from bench.stats import LoadResult, summarize

REQUEST_TIMEOUT = 30.0
HEADERS = {"Content-Type": "application/json"}


@dataclass(frozen=True)
class Plan:
    """What every client sends, and the measured window (after a warm-up) on the perf_counter clock."""

    url: str
    body: bytes
    start: float
    end: float
    max_requests: int


@dataclass
class ClientTally:
    """One client's measured latencies (seconds), statuses and transport errors."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    errors: int = 0


def _send(connection: http.client.HTTPConnection, path: str, body: bytes) -> int:
    connection.request("POST", path, body, HEADERS)
    response = connection.getresponse()
    response.read()
    return response.status


def run_client(plan: Plan, tally: ClientTally, client: int) -> None:
    """Send requests back to back on one connection until the window ends or the count is reached;
    each body is numbered (bench.cases.COUNTER) by the run, the client and the request."""
    run = time.time_ns()
    parts = urlsplit(plan.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=REQUEST_TIMEOUT)
    try:
        for number in range(plan.max_requests):
            started = time.perf_counter()
            if started >= plan.end:
                break
            try:
                status = _send(connection, parts.path, numbered(plan.body, f"{run}-{client}-{number}"))
            except (OSError, http.client.HTTPException):
                connection.close()  # the next request reconnects
                status = 0
            if started >= plan.start:
                _record(tally, status, time.perf_counter() - started)
    finally:
        connection.close()


def _record(tally: ClientTally, status: int, latency: float) -> None:
    if status == 0:
        tally.errors += 1
        return
    tally.latencies.append(latency)
    tally.statuses[str(status)] += 1


def generate_load(
    url: str, body: bytes, connections: int, duration: float, warmup: float, max_requests: int
) -> LoadResult:
    """Drive `url` from `connections` threads; measure `duration` seconds after `warmup` seconds."""
    start = time.perf_counter() + warmup
    plan = Plan(url, body, start, start + duration, max(1, max_requests // connections))
    tallies = [ClientTally() for _ in range(connections)]
    threads = [threading.Thread(target=run_client, args=(plan, tally, n)) for n, tally in enumerate(tallies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=warmup + duration + REQUEST_TIMEOUT + 5)
    statuses: Counter[str] = sum((tally.statuses for tally in tallies), Counter())
    latencies = [latency for tally in tallies for latency in tally.latencies]
    return summarize(latencies, duration, dict(statuses), sum(tally.errors for tally in tallies))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.loadgen", description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--body-file", type=Path, required=True)
    parser.add_argument("--connections", type=int, default=1)
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--max-requests", type=int, default=1_000_000)
    return parser


def main(argv: list[str] | None = None) -> None:
    """Run one measurement and print it as JSON."""
    args = _parser().parse_args(argv)
    result = generate_load(
        args.url,
        args.body_file.read_bytes(),
        args.connections,
        args.duration,
        args.warmup,
        args.max_requests,
    )
    print(json.dumps(asdict(result)))


if __name__ == "__main__":
    main()
