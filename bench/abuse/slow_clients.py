"""A legitimate signal's latency while hundreds of slow clients hold connections to the gateway.

Slow clients come in three kinds: a request line left unfinished, headers sent and the body stalled,
and a body trickled a byte at a time. While they are held, signals are sent one after another and
timed; a signal not answered within its timeout counts as failed.
"""

from __future__ import annotations

import http.client
import socket
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.cases import BENCH_WEBHOOK, write_gateway_config
from bench.stats import percentile
from conformance.embedded_gateway import running_gateway
from webhook_spec.openapi import WEBHOOK_PREFIX

STALLS = {
    "request-line": f"POST {WEBHOOK_PREFIX}".encode(),
    "body": b"POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{",
    "trickle": b"POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n",
}
SIGNAL = b'{"ticker": "AMD", "action": "buy"}'
GIVE_UP_AFTER = 5  # signals unanswered in a row


@dataclass(frozen=True)
class StallResult:
    """Latency of legitimate signals (ms) while `held` slow connections of one kind were open."""

    kind: str
    held: int
    requests: int
    answered: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    stalls_answered: dict[str, int]


@contextmanager
def slow_connections(host: str, port: int, count: int, kind: str) -> Iterator[list[socket.socket]]:
    """`count` connections that each send the start of a request of `kind` and then stall."""
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.create_connection((host, port), timeout=5)
            sock.sendall(STALLS[kind])
            sockets.append(sock)
        yield sockets
    finally:
        for sock in sockets:
            sock.close()


def trickle(sockets: list[socket.socket]) -> None:
    """One more byte on every trickling connection (ignoring those the server closed)."""
    for sock in sockets:
        with suppress(OSError):
            sock.send(b"x")


def time_signals(url: str, requests: int, timeout: float, between=lambda: None) -> list[float | None]:
    """Seconds each of `requests` signals took, one after another, or None when unanswered in time
    (and for all the rest once GIVE_UP_AFTER in a row were)."""
    parts = urlsplit(url)
    timings: list[float | None] = []
    for _ in range(requests):
        if len(timings) >= GIVE_UP_AFTER and not any(timings[-GIVE_UP_AFTER:]):
            return timings + [None] * (requests - len(timings))  # the server is blocked: bound the wait
        between()
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        start = time.perf_counter()
        try:
            connection.request("POST", parts.path, SIGNAL)
            status = connection.getresponse().status
            timings.append(time.perf_counter() - start if status == 200 else None)
        except OSError:
            timings.append(None)
        finally:
            connection.close()
    return timings


def stall_answers(sockets: list[socket.socket], wait: float) -> dict[str, int]:
    """What the server answered the slow connections within `wait` seconds: status lines counted
    ('closed' when it closed without a word, 'none' when it still held the connection)."""
    counts: dict[str, int] = {}
    deadline = time.monotonic() + wait
    for sock in sockets:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            head = sock.recv(64).split(b"\r\n", 1)[0].decode("latin-1") or "closed"
        except OSError:
            head = "none"
        counts[head] = counts.get(head, 0) + 1
    return counts


def measure_stall(
    url: str, kind: str, held: int, requests: int, timeout: float = 2.0, answer_wait: float = 7.0
) -> StallResult:
    """Hold `held` slow connections of `kind`, time `requests` signals meanwhile, then see what the
    slow connections were answered within `answer_wait` seconds of their start."""
    parts = urlsplit(url)
    with slow_connections(parts.hostname, parts.port, held, kind) as sockets:
        started = time.monotonic()
        pace = (lambda: trickle(sockets)) if kind == "trickle" else (lambda: None)
        timings = time_signals(url, requests, timeout, pace)
        answered = sorted(t * 1000 for t in timings if t is not None)
        stalls = stall_answers(sockets, answer_wait - (time.monotonic() - started))
    return StallResult(
        kind=kind,
        held=held,
        requests=requests,
        answered=len(answered),
        p50_ms=round(percentile(answered, 50), 2),
        p99_ms=round(percentile(answered, 99), 2),
        max_ms=round(answered[-1], 2) if answered else 0.0,
        stalls_answered=stalls,
    )


def measure(held: int = 500, requests: int = 100) -> dict[str, Any]:
    """Serve the gateway as the README does and measure every kind of stall against it."""
    with ExitStack() as stack:
        directory = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-abuse-")))
        config = write_gateway_config(directory)
        gateway = stack.enter_context(running_gateway(["--config", str(config)], cwd=directory))
        url = gateway.base_url + BENCH_WEBHOOK.path
        results = [measure_stall(url, kind, held, requests) for kind in STALLS]
    return {"held": held, "requests": requests, "results": [asdict(result) for result in results]}


def render(figures: dict[str, Any]) -> str:
    """A table: per kind of slow client, the legitimate signals' latency."""
    lines = [
        f"Legitimate signals while {figures['held']} slow connections are held "
        f"({figures['requests']} signals, one at a time; target p99 < 100 ms)",
        "",
        "kind           answered  p50 ms  p99 ms  max ms  slow connections answered",
        "-------------  --------  ------  ------  ------  -------------------------",
    ]
    for result in figures["results"]:
        stalls = ", ".join(f"{count} {head}" for head, count in sorted(result["stalls_answered"].items()))
        lines.append(
            f"{result['kind']:13}  {result['answered']:>4}/{result['requests']:<3}  {result['p50_ms']:6.1f}"
            f"  {result['p99_ms']:6.1f}  {result['max_ms']:6.1f}  {stalls}"
        )
    return "\n".join(lines)
