"""Latency summaries: requests per second and percentiles, shared by every load generator."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

PERCENTILES = (50, 90, 99)


def percentile(ordered: Sequence[float], q: float) -> float:
    """The nearest-rank q-th percentile of an ascending sequence (0.0 when it is empty)."""
    if not ordered:
        return 0.0
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class LoadResult:
    """One measurement: throughput, latency in milliseconds, and what the server answered."""

    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    statuses: dict[str, int] = field(default_factory=dict)
    errors: int = 0
    generator: str = "python"
    server_cpu_us: float | None = None  # the server's CPU time per measured request (wrk runs only)

    @property
    def rps(self) -> float:
        """Completed requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0


def summarize(
    latencies: Sequence[float], seconds: float, statuses: dict[str, int], errors: int
) -> LoadResult:
    """A LoadResult from per-request latencies in seconds."""
    ordered = sorted(latencies)
    p50, p90, p99 = (percentile(ordered, q) * 1000 for q in PERCENTILES)
    return LoadResult(
        requests=len(ordered),
        seconds=seconds,
        p50_ms=p50,
        p90_ms=p90,
        p99_ms=p99,
        max_ms=(ordered[-1] * 1000 if ordered else 0.0),
        statuses=statuses,
        errors=errors,
    )
