"""Plain-text tables of the bench results."""

from __future__ import annotations

from collections.abc import Sequence
from statistics import median

from bench.kit_timing import KitTiming, LoadedRun, TimedRun
from bench.lint_cost import GOAL_MS, LintTiming
from bench.proxy_overhead import ProxyOverhead
from bench.stats import LoadResult
from bench.throughput import Measurement, comparisons, ratio
from bench.validation_cost import ValidationTiming, WorstBodyTiming

DESCRIPTION_WIDTH = 60


def format_table(headers: Sequence[str], rows: Sequence[Sequence[str]], left: int = 1) -> str:
    """Columns padded to their widest cell; the first `left` columns left-aligned, the rest right."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        padded = (
            str(cell).ljust(width) if index < left else str(cell).rjust(width)
            for index, (cell, width) in enumerate(zip(cells, widths, strict=True))
        )
        return "  ".join(padded).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(headers), rule, *(line(row) for row in rows)])


def _latency_cells(result: LoadResult) -> list[str]:
    percentiles = (f"{ms:.1f}" for ms in (result.p50_ms, result.p90_ms, result.p99_ms))
    return [f"{result.rps:.0f}", *percentiles, f"{result.max_ms:.0f}"]


def _cpu(result: LoadResult) -> str:
    return "-" if result.server_cpu_us is None else f"{result.server_cpu_us:.0f}"


def throughput_table(measurements: Sequence[Measurement]) -> str:
    """The gateway, the bare app on its server and the fixed ceiling side by side, per case and
    concurrency, with the gateway's ratio to each."""
    headers = ["case", "conns", "gw req/s", "p50 ms", "p90 ms", "p99 ms", "max ms"]
    headers += ["bare req/s", "p99 ms", "ceiling req/s", "p99 ms", "gw/ceiling", "gw/bare"]
    headers += ["CPU µs/req gw bare ceiling", "unexpected"]
    rows = [
        [
            c.gateway.case,
            str(c.gateway.connections),
            *_latency_cells(c.gateway.result),
            f"{c.bare.result.rps:.0f}",
            f"{c.bare.result.p99_ms:.1f}",
            f"{c.ceiling.result.rps:.0f}",
            f"{c.ceiling.result.p99_ms:.1f}",
            f"{ratio(c.gateway.result, c.ceiling.result):.2f}",
            f"{ratio(c.gateway.result, c.bare.result):.2f}",
            " ".join(_cpu(m.result) for m in c),
            f"{c.gateway.unexpected}/{c.bare.unexpected}/{c.ceiling.unexpected}",
        ]
        for c in comparisons(measurements)
    ]
    return format_table(headers, rows)


def _validation_cells(number: int, t: ValidationTiming) -> list[str]:
    valid = "yes" if t.valid else "no"
    cells = [str(number), t.description[:DESCRIPTION_WIDTH], str(t.size), valid]
    return [*cells, f"{t.validate_us:.1f}", f"{t.loads_us:.2f}", f"{t.ratio:.0f}x"]


def validation_table(timings: Sequence[ValidationTiming]) -> str:
    """Per example: size, validity, µs per validate_body and json.loads call, and their ratio."""
    headers = ["#", "example", "bytes", "valid", "validate µs", "loads µs", "ratio"]
    rows = [_validation_cells(number, timing) for number, timing in enumerate(timings, 1)]
    validate, loads = median(t.validate_us for t in timings), median(t.loads_us for t in timings)
    ratios = median(t.ratio for t in timings)
    rows.append(["", "median", "", "", f"{validate:.1f}", f"{loads:.2f}", f"{ratios:.0f}x"])
    return format_table(headers, rows, left=2)


def _worst_body_cells(number: int, t: WorstBodyTiming) -> list[str]:
    outcome = t.outcome if t.outcome == t.expected else f"{t.outcome} (not {t.expected})"
    return [str(number), t.name, outcome, str(t.size), f"{t.cpu_ms:.3f}"]


def worst_body_table(timings: Sequence[WorstBodyTiming]) -> str:
    """Per worst-case body: size, outcome, and the least CPU time of validate_body on it; then the most."""
    rows = [_worst_body_cells(number, timing) for number, timing in enumerate(timings, 1)]
    worst = max(timings, key=lambda t: t.cpu_ms)
    rows.append(["", f"maximum: {worst.name}", "", str(worst.size), f"{worst.cpu_ms:.3f}"])
    return format_table(["#", "worst-case body", "outcome", "bytes", "CPU ms"], rows, left=3)


def _run_cells(label: str, run: TimedRun) -> list[str]:
    seconds = "n/a" if run.seconds is None else f"{run.seconds:.1f}"
    return [label, seconds, "" if run.cases is None else str(run.cases), str(run.exit_code)]


def _seconds(seconds: float | None) -> str:
    return "n/a" if seconds is None else f"{seconds:.2f}"


def _spread(runs: Sequence[LoadedRun]) -> str:
    seconds = sorted(run.run.seconds for run in runs if run.run.seconds is not None)
    if not seconds:
        return "n/a"
    loads = ", ".join(f"{run.load:.1f}" for run in runs)
    return f"min {seconds[0]:.1f}  median {median(seconds):.1f}  max {seconds[-1]:.1f}  (load {loads})"


def kit_table(timing: KitTiming) -> str:
    """The kit's wall times (the whole run's spread, its split) against st run's, on as many cases."""
    run = f"webhook-conformance run --property-cases {timing.property_cases}"
    rows = [
        _run_cells(f"{run} (gateway start included)", timing.kit),
        [f"  {len(timing.kit_runs)} runs: {_spread(timing.kit_runs)}", "", "", ""],
        ["  the CLI's start-up: webhook-conformance --help", _seconds(timing.cli_start.seconds), "", ""],
        ["  the embedded gateway's start", _seconds(timing.gateway_start), "", ""],
        _run_cells("  run --no-properties (start, scenarios)", timing.kit_without_properties),
        _run_cells("  the property layer's own time (--json; beside the scenarios)", timing.property_layer),
        _run_cells(f"st run --mode all -n {timing.kit.cases} (fuzzing, POST only)", timing.st_run),
    ]
    failures = [f"  failed: {failure}" for failure in timing.report.failures]
    return "\n".join([format_table(["run", "seconds", "cases", "exit"], rows), *failures])


def lint_table(timings: Sequence[LintTiming]) -> str:
    """Per template: `webhook-spec lint FILE` (process start included) and lint_template alone, in ms."""
    headers = ["template", "lines", "renderings", "problems", "exit", "command ms", "min", "CPU ms"]
    headers += ["function ms", "min"]
    rows = [
        [
            t.name,
            str(t.lines),
            str(t.renderings),
            str(t.problems),
            str(t.exit_code),
            f"{t.command_median_ms:.0f}",
            f"{min(t.command_ms):.0f}",
            f"{t.command_cpu_median_ms:.0f}",
            f"{t.function_median_ms:.1f}",
            f"{min(t.function_ms):.1f}",
        ]
        for t in timings
    ]
    goal = (
        f"goal: the command under {GOAL_MS} ms (medians of {len(timings[0].command_ms)} runs; the CPU"
        " time, user and system, is the wall time a quiet machine gives)"
    )
    return "\n".join([format_table(headers, rows), goal])


def proxy_table(overhead: ProxyOverhead) -> str:
    """Direct and proxied latency of sequential accepted signals, and what the proxy adds."""
    rows = [
        [route, str(result.requests), f"{result.p50_ms:.2f}", f"{result.p99_ms:.2f}", _statuses(result)]
        for route, result in (("direct", overhead.direct), ("through the proxy", overhead.proxied))
    ]
    rows.append(["proxy overhead", "", f"{overhead.p50_ms:+.2f}", f"{overhead.p99_ms:+.2f}", ""])
    return format_table(["route", "signals", "p50 ms", "p99 ms", "statuses"], rows)


def _statuses(result: LoadResult) -> str:
    return " ".join(f"{status}: {count}" for status, count in sorted(result.statuses.items()))
