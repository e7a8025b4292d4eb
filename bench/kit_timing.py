"""Wall time of the conformance kit (several runs: their spread), its split (the CLI's start-up, the
gateway's start, the scenarios, the property layer), and schemathesis's own `st run` on the same cases."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from conformance.runner import embedded_target
from webhook_spec.openapi import OPENAPI_FILE

PROPERTY_FILE = "properties.py::"
PROPERTY_CHECKS = 2  # conformance/properties.py: one negative and one positive check, N cases each
RUN_TIMEOUT = 1200
CLI_RUNS = 3  # `--help` runs: the least is the start-up time
PASSING = ("passed", "not-applicable", "expected-failure")
_GENERATED = re.compile(r"(\d+) generated")


@dataclass(frozen=True)
class TimedRun:
    """A command's wall time, exit code, and the number of generated cases where known."""

    seconds: float | None
    exit_code: int
    cases: int | None = None


@dataclass(frozen=True)
class KitReport:
    """What the bench reads from the kit's --json report: the property layer's time, the failures."""

    property_seconds: float | None = None
    failures: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class LoadedRun:
    """A timed run and the machine's load average (1 minute) as it began: load explains a slow run."""

    run: TimedRun
    load: float


@dataclass(frozen=True)
class KitTiming:
    """The whole kit (several runs), the kit without its property layer, the layer's own time, the CLI's
    start-up, the embedded gateway's start, and st run."""

    property_cases: int
    kit: TimedRun
    kit_runs: list[LoadedRun]
    kit_without_properties: TimedRun
    report: KitReport
    cli_start: TimedRun
    gateway_start: float
    st_run: TimedRun

    @property
    def property_layer(self) -> TimedRun:
        """The property checks' own time in the first kit run (its cases and exit code); they run
        alongside the scenarios, so it is not a share of the run's wall time."""
        return TimedRun(self.report.property_seconds, self.kit.exit_code, self.kit.cases)


def timed(command: list[str], cwd: Path | None = None) -> tuple[TimedRun, str]:
    """Run `command` (bounded), return its wall time and exit code, and its output."""
    started = time.perf_counter()
    process = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False
    )
    return TimedRun(time.perf_counter() - started, process.returncode), process.stdout


def kit_command(*args: str) -> list[str]:
    """`webhook-conformance run ARGS` with the current interpreter (embedded gateway: no --target)."""
    return [sys.executable, "-m", "conformance", "run", *args]


def read_kit_report(path: Path) -> KitReport:
    """The property checks' own durations and the failed scenarios, from the kit's JSON report."""
    if not path.exists():
        return KitReport()
    scenarios = json.loads(path.read_text(encoding="utf-8"))["scenarios"]
    properties = (entry["duration"] for entry in scenarios if entry["nodeid"].startswith(PROPERTY_FILE))
    failures = [
        f"{entry['name']}: {entry['reason'][:300]}" for entry in scenarios if entry["outcome"] not in PASSING
    ]
    return KitReport(sum(properties), failures)


def st_command(config: Path, base_url: str, cases: int) -> list[str]:
    """`st run` on the POST operation: fuzzing only, positive and negative, the kit's response checks."""
    st = Path(sys.executable).with_name("st")
    return [
        *([str(st)] if st.exists() else ["st"]),
        *("--config-file", str(config), "run", str(OPENAPI_FILE), "--url", base_url),
        *("--include-method", "POST", "--phases", "fuzzing", "--mode", "all", "-n", str(cases)),
        *("--workers", "1", "--generation-database", "none", "--no-color"),
        # random tickers are answered ticker-does-not-exist: not a failure of the gateway
        *("--exclude-checks", "positive_data_acceptance"),
    ]


def cli_start() -> TimedRun:
    """`webhook-conformance --help`, the least of a few runs: the command line's start-up time."""
    script = Path(sys.executable).with_name("webhook-conformance")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "conformance"]
    runs = [timed([*command, "--help"])[0] for _ in range(CLI_RUNS)]
    return min(runs, key=lambda run: run.seconds or 0.0)


def st_run(cases: int, directory: Path) -> tuple[TimedRun, float]:
    """`st run` against the kit's embedded gateway, path parameters set to its stocks webhook; and the
    seconds the gateway took to start."""
    started = time.perf_counter()
    with embedded_target() as target:
        start = time.perf_counter() - started
        webhook = target.webhook("stocks")
        parameters = {"path.uuid": webhook.uuid, "path.password": webhook.password}
        config = directory / "schemathesis.toml"
        config.write_text(
            "[parameters]\n" + "".join(f'"{key}" = "{value}"\n' for key, value in parameters.items())
        )
        run, output = timed(st_command(config, target.base_url, cases), cwd=directory)
    generated = _GENERATED.search(output)
    return TimedRun(run.seconds, run.exit_code, int(generated.group(1)) if generated else None), start


def _loaded(command: list[str]) -> LoadedRun:
    load = os.getloadavg()[0]
    return LoadedRun(timed(command)[0], load)


def kit_timing(property_cases: int, runs: int = 3) -> KitTiming:
    """Time the whole kit `runs` times, the kit without properties, the CLI's start-up, the gateway's
    start, and st run on as many cases as the properties."""
    cases = PROPERTY_CHECKS * property_cases
    with tempfile.TemporaryDirectory(prefix="bench-kit-") as directory:
        report = Path(directory) / "kit.json"
        whole = kit_command("--property-cases", str(property_cases))
        first = _loaded([*whole, "--json", str(report)])
        kit_runs = [first, *(_loaded(whole) for _ in range(runs - 1))]
        without, _ = timed(kit_command("--no-properties"))
        st, gateway_start = st_run(cases, Path(directory))
        return KitTiming(
            property_cases=property_cases,
            kit=TimedRun(first.run.seconds, first.run.exit_code, cases),
            kit_runs=kit_runs,
            kit_without_properties=without,
            report=read_kit_report(report),
            cli_start=cli_start(),
            gateway_start=gateway_start,
            st_run=st,
        )
