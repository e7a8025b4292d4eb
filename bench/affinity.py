"""Servers on one CPU, the load generator on the others, so that they never take turns on a CPU.

Unpinned on a small machine, the gunicorn worker's threads and the load generator's migrate between
the same CPUs, and the figures swing by a tenth from run to run. Both servers are pinned alike.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class CpuSplit:
    """Which CPUs the servers get and which the load generator gets."""

    server: frozenset[int]
    load: frozenset[int]


def cpu_split() -> CpuSplit | None:
    """The last usable CPU for the servers, the rest for the load; None when pinning is impossible."""
    if not hasattr(os, "sched_getaffinity"):
        return None
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return None
    return CpuSplit(server=frozenset(cpus[-1:]), load=frozenset(cpus[:-1]))


@contextmanager
def pinned(cpus: frozenset[int] | None) -> Iterator[None]:
    """Run the block on `cpus` (None: anywhere); processes started in it keep that affinity."""
    if cpus is None:
        yield
        return
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, cpus)
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)
