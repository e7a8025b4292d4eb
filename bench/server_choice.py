"""`python -m bench.server_choice`: the reference gateway under each candidate production server.

Every candidate serves the same app (bench.candidate_app) with one process and four threads (or
their equivalent), on the servers' CPU. Each is measured on the throughput bench's accepted case at
1 and 32 connections, and on the slow-client test: a signal's latency while 500 connections stall.
The figures decided D-063; run it again to check that decision on another machine.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.abuse.slow_clients import measure_stall
from bench.cases import CASES, write_gateway_config
from bench.load import LoadSettings, measure
from bench.servers import CANDIDATE_APP, free_port, gthread_command, served

APP = CANDIDATE_APP


def _candidates(port: int, config: Path) -> dict[str, list[str]]:
    python = sys.executable
    bind = f"127.0.0.1:{port}"
    gunicorn = [python, "-m", "gunicorn", "-b", bind, "-w", "1"]
    return {
        "gunicorn gthread (before)": gthread_command(port, APP),
        "gunicorn gevent": [*gunicorn, "-k", "gevent", "--worker-connections", "2000", APP],
        "waitress": [
            *(python, "-m", "waitress", "--host", "127.0.0.1", "--port", str(port), "--threads", "4"),
            *("--connection-limit", "2000", APP),
        ],
        "granian": [
            *(python, "-m", "granian", "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port)),
            *("--workers", "1", "--blocking-threads", "4", APP),
        ],
        "gunicorn + uvicorn worker (D-063)": [python, "-m", "bench.candidate_app", str(port)],
    }


def measure_candidate(url: str, settings: LoadSettings, held: int, requests: int) -> dict[str, Any]:
    """Throughput at 1 and 32 connections, then the slow-client latencies, of one served URL."""
    accepted = CASES[0]
    figures: dict[str, Any] = {}
    for connections in (1, 32):
        result = measure(url, accepted.body, connections, settings)
        figures[f"rps_c{connections}"] = round(result.rps)
        figures[f"p99_ms_c{connections}"] = round(result.p99_ms, 1)
        figures[f"unexpected_c{connections}"] = sum(
            count for status, count in result.statuses.items() if status != str(accepted.status)
        ) + (result.errors or 0)
    for kind in ("request-line", "body"):
        stall = measure_stall(url, kind, held, requests, answer_wait=0.0)
        figures[f"stall_{kind}"] = {"answered": stall.answered, "p99_ms": stall.p99_ms}
    return figures


def run(settings: LoadSettings, held: int, requests: int, only: list[str] | None, app: str) -> dict[str, Any]:
    """Every candidate (or those whose name contains a word of `only`), one after another."""
    results: dict[str, Any] = {}
    split = settings.cpu_split()
    with tempfile.TemporaryDirectory(prefix="bench-servers-") as directory:
        for name in _candidates(0, Path(directory)):
            if only and not any(word in name for word in only):
                continue
            work = Path(directory) / f"run-{len(results)}"
            work.mkdir()
            config = write_gateway_config(work)
            port = free_port()
            env = os.environ | {"GATEWAY_CONFIG": str(config), "CANDIDATE_APP": app}
            print(f"  {name}...", file=sys.stderr, flush=True)
            try:
                with served(_candidates(port, config)[name], port, env, split and split.server) as server:
                    results[name] = measure_candidate(server.url, settings, held, requests)
            except Exception as error:  # a candidate that cannot be served is reported, not fatal
                results[name] = {"error": str(error)}
    return results


def render(results: dict[str, Any]) -> str:
    """One row per candidate."""
    lines = [
        "server                              c=1 req/s  p99 ms  c=32 req/s  p99 ms  "
        "500 stalled lines: ok/100 p99 ms  500 stalled bodies: ok/100 p99 ms",
    ]
    for name, figures in results.items():
        if "error" in figures:
            lines.append(f"{name:34}  error: {figures['error'][:80]}")
            continue
        line, body = figures["stall_request-line"], figures["stall_body"]
        lines.append(
            f"{name:34}  {figures['rps_c1']:9}  {figures['p99_ms_c1']:6.1f}  {figures['rps_c32']:10}"
            f"  {figures['p99_ms_c32']:6.1f}  {line['answered']:>17}/100 {line['p99_ms']:6.1f}"
            f"  {body['answered']:>17}/100 {body['p99_ms']:6.1f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Measure the candidates and print the table."""
    parser = argparse.ArgumentParser(prog="python -m bench.server_choice", description=__doc__)
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--held", type=int, default=500, help="slow connections held")
    parser.add_argument("--requests", type=int, default=100, help="signals timed while they are held")
    parser.add_argument("--only", action="append", help="candidates whose name contains this")
    parser.add_argument("--app", choices=("gateway", "bare"), default="gateway", help="the app served")
    parser.add_argument("--out", type=Path, default=Path("bench-servers.json"))
    args = parser.parse_args(argv)
    settings = LoadSettings(duration=args.duration, warmup=1.0)
    results = run(settings, args.held, args.requests, args.only, args.app)
    print(render(results))
    args.out.write_text(json.dumps({"settings": asdict(settings), "results": results}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
