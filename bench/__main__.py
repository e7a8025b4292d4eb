"""`python -m bench`: gateway throughput against bare Flask apps, a burst at a bar's close, validation cost,
kit and lint times, and the latency the validating proxy adds.

Prints one table per section and writes every figure as JSON (--out).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

from bench import PROJECT_DIR
from bench.burst import BURSTS, burst_table, run_burst
from bench.kit_timing import kit_timing
from bench.lint_cost import lint_costs
from bench.load import LoadSettings
from bench.proxy_overhead import proxy_overhead
from bench.report import (
    kit_table,
    lint_table,
    proxy_table,
    throughput_table,
    validation_table,
    worst_body_table,
)
from bench.throughput import CONCURRENCIES, Measurement, measure_servers, ratios
from bench.validation_cost import validation_costs, worst_body_costs

SECTIONS = ("throughput", "burst", "validation", "kit", "lint", "proxy")
DERIVED = ("rps", "ratio")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("bench-results.json"), help="JSON results file")
    parser.add_argument("--only", action="append", choices=SECTIONS, help="run only this section")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per load measurement")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds of load before each one")
    parser.add_argument("--concurrency", type=int, action="append", help="connections (default 1 8 32 128)")
    parser.add_argument("--max-requests", type=int, default=1_000_000, help="cap per load measurement")
    parser.add_argument("--generator", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument(
        "--no-pin", dest="pin", action="store_false", help="let servers and load share every CPU"
    )
    parser.add_argument("--sqlite-synchronous", choices=("NORMAL", "FULL", "EXTRA"), help="gateway setting")
    parser.add_argument("--work-dir", type=Path, help="where the gateway's data dir goes (default: $TMPDIR)")
    parser.add_argument("--property-cases", type=int, default=100, help="kit cases per property check")
    parser.add_argument("--kit-runs", type=int, default=3, help="whole kit runs (their spread is shown)")
    parser.add_argument("--timeit-seconds", type=float, default=0.02, help="seconds per timeit repeat")
    return parser


def _progress(measurement: Measurement) -> None:
    result = measurement.result
    print(
        f"  {measurement.server:7} {measurement.case:14} c={measurement.connections:<3}"
        f" {result.rps:7.0f} req/s  p99 {result.p99_ms:6.1f} ms",
        file=sys.stderr,
        flush=True,
    )


def run_throughput(args: argparse.Namespace, settings: LoadSettings) -> list[Measurement]:
    """Measure the gateway and the bare app, each pair back to back."""
    concurrencies = args.concurrency or CONCURRENCIES
    print(f"throughput ({settings.name} load generator, {args.duration:g} s each)...", file=sys.stderr)
    return measure_servers(settings, concurrencies, args.work_dir, args.sqlite_synchronous, _progress)


def _cpus_pinned(settings: LoadSettings) -> dict[str, list[int]] | None:
    split = settings.cpu_split()
    return None if split is None else {"servers": sorted(split.server), "load": sorted(split.load)}


def _git(*args: str) -> str:
    try:
        process = subprocess.run(["git", *args], capture_output=True, text=True, timeout=10, cwd=PROJECT_DIR)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return process.stdout.strip()


def environment(settings: LoadSettings, args: argparse.Namespace) -> dict[str, Any]:
    """What the figures depend on: machine, interpreter, commit and uncommitted files, settings."""
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "commit": _git("rev-parse", "HEAD"),
        "uncommitted": _git("status", "--porcelain").splitlines(),
        "load_generator": settings.name,
        "cpus_pinned": _cpus_pinned(settings),
        "server": "reference_server defaults: gunicorn, 1 uvicorn worker, the app on its event loop"
        " (bare app: the same serve(); ceiling: the bare app on gunicorn gthread, 1 worker and 4 threads)",
        "sqlite_synchronous": args.sqlite_synchronous or "gateway default",
        "duration": args.duration,
        "warmup": args.warmup,
        "load_average_before": os.getloadavg(),
    }


def _jsonable(value: Any) -> Any:
    """Dataclasses, with their derived figures (rps, ratio), as plain JSON data."""
    if is_dataclass(value):
        data = {field.name: _jsonable(getattr(value, field.name)) for field in fields(value)}
        return data | {name: getattr(value, name) for name in DERIVED if hasattr(value, name)}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    return value


def main(argv: list[str] | None = None) -> int:
    """Run the selected sections, print their tables, write the JSON results."""
    args = _parser().parse_args(argv)
    sections = args.only or SECTIONS
    settings = LoadSettings(args.duration, args.warmup, args.max_requests, args.generator, args.pin)
    results: dict[str, Any] = {"environment": environment(settings, args)}
    if "throughput" in sections:
        results["throughput"] = measurements = run_throughput(args, settings)
        results["gateway_ratios"] = ratios(measurements)
        print(
            "\nThroughput and latency: the reference gateway (gw), a bare Flask app on its server (bare),"
            " and the fixed ceiling: the bare app on gunicorn gthread, 1 worker and 4 threads (ceiling)\n"
        )
        print(throughput_table(measurements))
    if "burst" in sections:
        print("bursts at a bar's close...", file=sys.stderr)
        results["burst"] = bursts = [run_burst(*burst, split_cpus=args.pin) for burst in BURSTS]
        print("\nA bar's close: every signal sent at once, one webhook per strategy (bench.burst)\n")
        print(burst_table(bursts))
    if "validation" in sections:
        results["validation"] = timings = validation_costs(args.timeit_seconds)
        print("\nValidation cost in-process: validate_body against json.loads on the same bytes\n")
        print(validation_table(timings))
        results["worst_bodies"] = worst = worst_body_costs()
        print("\nValidation CPU on worst-case bodies: the least thread time of validate_body per body\n")
        print(worst_body_table(worst))
    if "kit" in sections:
        runs = max(args.kit_runs, 1)
        print(f"kit run time (the whole kit {runs} times, without properties, st run)...", file=sys.stderr)
        results["kit"] = timing = kit_timing(args.property_cases, runs)
        print("\nKit run time against the embedded gateway, and schemathesis's st run\n")
        print(kit_table(timing))
    if "lint" in sections:
        results["lint"] = lint_timings = lint_costs()
        print(
            "\nwebhook-spec lint on a 100-line template: the command (process start included), the function\n"
        )
        print(lint_table(lint_timings))
    if "proxy" in sections:
        print(
            "proxy overhead (sequential accepted signals, direct and through the proxy)...", file=sys.stderr
        )
        results["proxy"] = overhead = proxy_overhead(args.work_dir)
        print("\nValidating proxy: latency of the reference gateway direct and through the proxy\n")
        print(proxy_table(overhead))
    results["environment"]["load_average_after"] = os.getloadavg()
    args.out.write_text(json.dumps(_jsonable(results), indent=2) + "\n", encoding="utf-8")
    print(f"\nresults: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
