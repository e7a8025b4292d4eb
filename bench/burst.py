"""`python -m bench.burst`: a bar's close, when every strategy on every chart fires at once.

The gateway is served as the README serves it (default settings, rate limits included) with one
webhook per strategy. Every connection is opened first; then, at one instant, each connection sends
its signals back to back (keep-alive), each signal to the next webhook, with a body unique to the
request. TradingView gives a request 3 seconds. Printed per burst: every request answered or not,
every 200 found in the signal log or not, latency of a request from its sending to its answer
(p50, p99, max), and the wall time from the instant to the last answer.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.affinity import cpu_split, pinned
from bench.cases import database_path
from bench.report import format_table
from bench.stats import percentile
from conformance.embedded_gateway import ConfiguredWebhook, config_toml, numbered_webhook, running_gateway

# (signals, webhooks, connections): the burst, and five times it.
BURSTS = ((2_000, 200, 200), (10_000, 1_000, 1_000))
ANSWER_TIMEOUT = 30.0  # seconds; far above TradingView's 3, so that a slow answer is measured, not lost


@dataclass(frozen=True)
class Answer:
    """One request's status (0: no answer), its latency in seconds, and the logId of a 200."""

    status: int
    latency: float
    log_id: str | None


@dataclass(frozen=True)
class BurstResult:
    """What one burst showed."""

    signals: int
    webhooks: int
    connections: int
    answered: int
    accepted: int
    accepted_in_log: int
    statuses: dict[str, int]
    p50_ms: float
    p99_ms: float
    max_ms: float
    wall_s: float


def _request(webhook: ConfiguredWebhook, tag: str) -> bytes:
    body = json.dumps({"ticker": "AMD", "action": "buy", "quantity": 1, "extras": {"burst": tag}}).encode()
    head = (
        f"POST {webhook.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def _read_answer(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = next(
        (int(line.split(":", 1)[1]) for line in lines[1:] if line.lower().startswith("content-length:")), 0
    )
    return status, await reader.readexactly(length)


async def _connection(port: int, requests: Sequence[bytes], go: asyncio.Event, answers: list[Answer]) -> None:
    """Open the connection, wait for the instant, send each request once its previous one is answered."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        await go.wait()
        for request in requests:
            started = time.perf_counter()
            writer.write(request)
            status, body = await asyncio.wait_for(_read_answer(reader), ANSWER_TIMEOUT)
            log_id = json.loads(body).get("logId") if status == 200 else None
            answers.append(Answer(status, time.perf_counter() - started, log_id))
    except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
        pass  # what this connection did not get answered shows as missing answers
    finally:
        writer.close()


async def _fire(port: int, plan: list[list[bytes]]) -> tuple[list[Answer], float]:
    go = asyncio.Event()
    answers: list[Answer] = []
    tasks = [asyncio.create_task(_connection(port, requests, go, answers)) for requests in plan]
    await asyncio.sleep(0.5 + len(plan) / 1000)  # every connection opened and waiting
    started = time.perf_counter()
    go.set()
    await asyncio.gather(*tasks)
    return answers, time.perf_counter() - started


def _plan(
    webhooks: Sequence[ConfiguredWebhook], signals: int, connections: int, run: str
) -> list[list[bytes]]:
    """Each connection's requests: signal n goes to webhook n mod webhooks, on connection n mod conns."""
    plan: list[list[bytes]] = [[] for _ in range(connections)]
    for number in range(signals):
        plan[number % connections].append(_request(webhooks[number % len(webhooks)], f"{run}-{number}"))
    return plan


def _in_log(database: Path, log_ids: list[str]) -> int:
    """How many of these logIds the signal log holds as accepted records."""
    with sqlite3.connect(database) as db:
        db.execute("CREATE TEMP TABLE wanted (log_id TEXT PRIMARY KEY)")
        db.executemany("INSERT INTO wanted VALUES (?)", [(log_id,) for log_id in log_ids])
        (count,) = db.execute(
            "SELECT count(*) FROM signal_log JOIN wanted USING (log_id) WHERE outcome = 'accepted'"
        ).fetchone()
    return count


def run_burst(signals: int, webhook_count: int, connections: int, split_cpus: bool = True) -> BurstResult:
    """Serve a fresh gateway with `webhook_count` webhooks and fire one burst at it."""
    webhooks = [numbered_webhook(number, f"strategy-{number}") for number in range(1, webhook_count + 1)]
    split = cpu_split() if split_cpus else None
    with tempfile.TemporaryDirectory(prefix="bench-burst-") as directory, ExitStack() as stack:
        config = Path(directory) / "gateway.toml"
        config.write_text(config_toml(webhooks, Path(directory) / "data", {}))
        with pinned(split and split.server):
            gateway = stack.enter_context(running_gateway(["--config", str(config)], cwd=Path(directory)))
        port = int(gateway.base_url.rsplit(":", 1)[1])
        with pinned(split and split.load):
            plan = _plan(webhooks, signals, connections, str(time.time_ns()))
            answers, wall = asyncio.run(_fire(port, plan))
        accepted = [answer.log_id for answer in answers if answer.status == 200 and answer.log_id]
        in_log = _in_log(database_path(config), accepted)
    latencies = sorted(answer.latency for answer in answers)
    return BurstResult(
        signals=signals,
        webhooks=webhook_count,
        connections=connections,
        answered=len(answers),
        accepted=len(accepted),
        accepted_in_log=in_log,
        statuses=dict(Counter(str(answer.status) for answer in answers)),
        p50_ms=percentile(latencies, 50) * 1000,
        p99_ms=percentile(latencies, 99) * 1000,
        max_ms=latencies[-1] * 1000 if latencies else 0.0,
        wall_s=wall,
    )


def burst_table(results: Sequence[BurstResult]) -> str:
    """One row per burst."""
    headers = ["signals", "webhooks", "conns", "answered", "200", "200 in log", "statuses"]
    headers += ["p50 ms", "p99 ms", "max ms", "wall s"]
    rows = [
        [
            str(r.signals),
            str(r.webhooks),
            str(r.connections),
            str(r.answered),
            str(r.accepted),
            str(r.accepted_in_log),
            " ".join(f"{status}:{count}" for status, count in sorted(r.statuses.items())),
            f"{r.p50_ms:.1f}",
            f"{r.p99_ms:.1f}",
            f"{r.max_ms:.0f}",
            f"{r.wall_s:.2f}",
        ]
        for r in results
    ]
    return format_table(headers, rows, left=0)


def main(argv: list[str] | None = None) -> int:
    """Fire each burst at a fresh gateway; print the table, write the JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench.burst", description=__doc__)
    parser.add_argument(
        "--burst", nargs=3, type=int, action="append", metavar=("SIGNALS", "WEBHOOKS", "CONNS")
    )
    parser.add_argument("--no-pin", dest="pin", action="store_false", help="let server and load share CPUs")
    parser.add_argument("--out", type=Path, default=Path("bench-burst.json"))
    args = parser.parse_args(argv)
    results = [run_burst(*burst, split_cpus=args.pin) for burst in (args.burst or BURSTS)]
    print(burst_table(results))
    args.out.write_text(json.dumps([asdict(result) for result in results], indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
