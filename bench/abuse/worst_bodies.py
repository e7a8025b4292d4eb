"""The worst-case bodies: validate_body's CPU time on each, and the most that any body costs.

Each body is built to cost the most on one path (a pattern, a format, a kind of value, the parser)
within the 64 KiB size limit. The goal (issue 10) is that none costs more than 5 ms of CPU; the
figure is printed, not asserted, and holds on a quiet machine (other processes on the same CPUs
slow the caches down).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from bench.report import worst_body_table
from bench.validation_cost import WorstBodyTiming, worst_body_costs

GOAL_MS = 5.0


def measure(repeat: int = 9) -> dict[str, Any]:
    """Every worst-case body's least CPU time over `repeat` runs, its outcome, and the maximum."""
    timings = worst_body_costs(repeat)
    worst = max(timings, key=lambda timing: timing.cpu_ms)
    return {
        "bodies": [asdict(timing) for timing in timings],
        "max_cpu_ms": worst.cpu_ms,
        "max_body": worst.name,
        "goal_ms": GOAL_MS,
        "unexpected_outcomes": [timing.name for timing in timings if timing.outcome != timing.expected],
    }


def render(figures: dict[str, Any]) -> str:
    """The table of bodies, then the maximum against the goal."""
    timings = [WorstBodyTiming(**row) for row in figures["bodies"]]
    verdict = "within" if figures["max_cpu_ms"] <= figures["goal_ms"] else "OVER"
    lines = [
        "Worst-case bodies: CPU time of validate_body (thread time, least of the runs)",
        "",
        worst_body_table(timings),
        "",
        f"most CPU for one body: {figures['max_cpu_ms']:.3f} ms ({figures['max_body']}),"
        f" {verdict} the {figures['goal_ms']:g} ms goal",
    ]
    if figures["unexpected_outcomes"]:
        lines.append(f"UNEXPECTED OUTCOMES: {', '.join(figures['unexpected_outcomes'])}")
    return "\n".join(lines)
