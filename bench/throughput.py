"""Throughput and latency of the gateway, the bare app and the fixed ceiling, per case and concurrency."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from bench.affinity import pinned
from bench.cases import CASES, RequestCase
from bench.load import LoadSettings, measure
from bench.servers import BARE, CEILING, GATEWAY, SERVERS, Served, all_served
from bench.stats import LoadResult

CONCURRENCIES = (1, 8, 32, 128)


@dataclass(frozen=True)
class Measurement:
    """One server, case and concurrency; `unexpected` counts other statuses and transport errors."""

    server: str
    case: str
    connections: int
    result: LoadResult
    unexpected: int


def _expected_status(server: str, case: RequestCase) -> int:
    return case.status if server == GATEWAY else 200  # the bare app answers everything with 200


def _measure_one(
    server: str, served: Served, case: RequestCase, connections: int, settings: LoadSettings
) -> Measurement:
    result = measure(served.url, case.body, connections, settings, served.pid)
    expected = str(_expected_status(server, case))
    unexpected = sum(count for status, count in result.statuses.items() if status != expected)
    return Measurement(server, case.name, connections, result, unexpected + result.errors)


def measure_servers(
    settings: LoadSettings,
    concurrencies: Sequence[int],
    work_dir: Path | None,
    synchronous: str | None,
    progress: Callable[[Measurement], None],
) -> list[Measurement]:
    """Every case at every concurrency, the gateway, the bare app and the ceiling back to back."""
    measurements = []
    split = settings.cpu_split()
    with all_served(work_dir, synchronous, split and split.server) as servers, pinned(split and split.load):
        for case in CASES:
            for connections in concurrencies:
                for server in SERVERS:
                    measurement = _measure_one(server, servers[server], case, connections, settings)
                    progress(measurement)
                    measurements.append(measurement)
    return measurements


def ratio(gateway: LoadResult, reference: LoadResult) -> float:
    """Gateway throughput as a fraction of another server's."""
    return gateway.rps / reference.rps if reference.rps else 0.0


class Comparison(NamedTuple):
    """The gateway's measurement of one case and concurrency, and the bare app's and the ceiling's."""

    gateway: Measurement
    bare: Measurement
    ceiling: Measurement


def comparisons(measurements: Sequence[Measurement]) -> list[Comparison]:
    """The measurements of each case and concurrency that all three servers ran, in the gateway's order."""
    by_server = {
        server: {(m.case, m.connections): m for m in measurements if m.server == server}
        for server in (BARE, CEILING)
    }
    return [
        Comparison(m, by_server[BARE][key], by_server[CEILING][key])
        for m in measurements
        if m.server == GATEWAY
        and (key := (m.case, m.connections)) in by_server[BARE]
        and key in by_server[CEILING]
    ]


def ratios(measurements: Sequence[Measurement]) -> list[dict[str, object]]:
    """Gateway throughput over the fixed ceiling's and over the bare app's, per case and concurrency."""
    return [
        {
            "case": c.gateway.case,
            "connections": c.gateway.connections,
            "over_ceiling": ratio(c.gateway.result, c.ceiling.result),
            "over_bare": ratio(c.gateway.result, c.bare.result),
        }
        for c in comparisons(measurements)
    ]
