"""CPU time a server spent: a process and its descendants (a gunicorn master and its workers)."""

from __future__ import annotations

import os
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat_fields(stat: str) -> list[str]:
    # The command name, in parentheses, may hold spaces: the fields start after its last ")".
    return stat[stat.rindex(")") + 2 :].split()


def tree_cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of `pid` and of every descendant alive now (Linux /proc)."""
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = _stat_fields((entry / "stat").read_text())
        except OSError:  # gone meanwhile
            continue
        # After the name: state, ppid, ... utime is the 14th field of the whole line, stime the 15th.
        parents[int(entry.name)] = int(fields[1])
        cpu[int(entry.name)] = (int(fields[11]) + int(fields[12])) / _TICKS
    tree = {pid}
    grew = True
    while grew:
        children = {child for child, parent in parents.items() if parent in tree} - tree
        tree |= children
        grew = bool(children)
    return sum(cpu.get(member, 0.0) for member in tree)
