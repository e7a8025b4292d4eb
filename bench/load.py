"""One load measurement from a separate process: wrk when installed, else bench.loadgen."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import partial

from bench import PROJECT_DIR
from bench.affinity import CpuSplit, cpu_split
from bench.cpu import tree_cpu_seconds
from bench.stats import LoadResult
from bench.wrk import wrk_load, wrk_path


@dataclass(frozen=True)
class LoadSettings:
    """How long to measure, how long to warm up first, and the cap on requests per measurement."""

    duration: float = 5.0
    warmup: float = 1.0
    max_requests: int = 1_000_000
    generator: str = "auto"  # auto | wrk | python
    pin: bool = True  # servers and load generator on separate CPUs, when there are two or more

    def cpu_split(self) -> CpuSplit | None:
        """The CPUs for the servers and for the load generator, or None when not pinning."""
        return cpu_split() if self.pin else None

    def use_wrk(self) -> bool:
        """Whether wrk drives the load (auto: when it is installed)."""
        if self.generator == "wrk" and wrk_path() is None:
            raise RuntimeError("--generator wrk: wrk is not installed")
        return self.generator == "wrk" or (self.generator == "auto" and wrk_path() is not None)

    @property
    def name(self) -> str:
        """The load generator's name for reports."""
        return "wrk" if self.use_wrk() else "python"


def python_load(url: str, body: bytes, connections: int, settings: LoadSettings) -> LoadResult:
    """Run `python -m bench.loadgen` and read its JSON result."""
    with tempfile.NamedTemporaryFile(prefix="bench-body-", suffix=".json") as body_file:
        body_file.write(body)
        body_file.flush()
        command = [sys.executable, "-m", "bench.loadgen", "--url", url, "--body-file", body_file.name]
        command += ["--connections", str(connections), "--duration", str(settings.duration)]
        command += ["--warmup", str(settings.warmup), "--max-requests", str(settings.max_requests)]
        timeout = settings.warmup + settings.duration + 90
        output = subprocess.run(
            command, capture_output=True, text=True, check=True, timeout=timeout, cwd=PROJECT_DIR
        )
    return LoadResult(**json.loads(output.stdout))


def measure(
    url: str, body: bytes, connections: int, settings: LoadSettings, server_pid: int | None = None
) -> LoadResult:
    """Drive `url` with `connections` keep-alive clients POSTing `body`; with wrk and `server_pid`,
    the CPU time that server's process tree spent per request too."""
    if settings.use_wrk():
        server_cpu = None if server_pid is None else partial(tree_cpu_seconds, server_pid)
        return wrk_load(
            url, body, connections, settings.duration, settings.warmup, settings.max_requests, server_cpu
        )
    return python_load(url, body, connections, settings)
