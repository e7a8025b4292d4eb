"""Throughput and latency of the gateway and of the bare app, per request case and concurrency."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.affinity import pinned
from bench.cases import CASES, RequestCase
from bench.load import LoadSettings, measure
from bench.servers import BARE, GATEWAY, SERVERS, both_urls
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
    server: str, url: str, case: RequestCase, connections: int, settings: LoadSettings
) -> Measurement:
    result = measure(url, case.body, connections, settings)
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
    """Every case at every concurrency, the gateway then the bare app back to back."""
    measurements = []
    split = settings.cpu_split()
    with both_urls(work_dir, synchronous, split and split.server) as urls, pinned(split and split.load):
        for case in CASES:
            for connections in concurrencies:
                for server in SERVERS:
                    measurement = _measure_one(server, urls[server], case, connections, settings)
                    progress(measurement)
                    measurements.append(measurement)
    return measurements


def ratio(gateway: LoadResult, bare: LoadResult) -> float:
    """Gateway throughput as a fraction of the bare app's."""
    return gateway.rps / bare.rps if bare.rps else 0.0


def pairs(measurements: Sequence[Measurement]) -> list[tuple[Measurement, Measurement]]:
    """(gateway, bare) measurements of the same case and concurrency, in the gateway's order."""
    bare = {(m.case, m.connections): m for m in measurements if m.server == BARE}
    return [
        (m, bare[m.case, m.connections])
        for m in measurements
        if m.server == GATEWAY and (m.case, m.connections) in bare
    ]


def ratios(measurements: Sequence[Measurement]) -> list[dict[str, object]]:
    """Gateway/bare throughput per case and concurrency, for the JSON results."""
    return [
        {"case": gw.case, "connections": gw.connections, "ratio": ratio(gw.result, bare.result)}
        for gw, bare in pairs(measurements)
    ]
