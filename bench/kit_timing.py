"""Wall time of the conformance kit, its property layer, and schemathesis's own `st run` on the same cases."""

from __future__ import annotations

import json
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
class KitTiming:
    """The kit with and without its property layer, the layer's own time, and st run."""

    property_cases: int
    kit: TimedRun
    kit_without_properties: TimedRun
    report: KitReport
    st_run: TimedRun

    @property
    def property_layer(self) -> TimedRun:
        """The property checks' share of the whole kit run (its cases and exit code)."""
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


def st_run(cases: int, directory: Path) -> TimedRun:
    """`st run` against the kit's embedded gateway, path parameters set to its stocks webhook."""
    with embedded_target() as target:
        webhook = target.webhook("stocks")
        parameters = {"path.uuid": webhook.uuid, "path.password": webhook.password}
        config = directory / "schemathesis.toml"
        config.write_text(
            "[parameters]\n" + "".join(f'"{key}" = "{value}"\n' for key, value in parameters.items())
        )
        run, output = timed(st_command(config, target.base_url, cases), cwd=directory)
    generated = _GENERATED.search(output)
    return TimedRun(run.seconds, run.exit_code, int(generated.group(1)) if generated else None)


def kit_timing(property_cases: int) -> KitTiming:
    """Time the whole kit, the kit without properties, and st run on as many cases as the properties."""
    cases = PROPERTY_CHECKS * property_cases
    with tempfile.TemporaryDirectory(prefix="bench-kit-") as directory:
        report = Path(directory) / "kit.json"
        kit, _ = timed(kit_command("--property-cases", str(property_cases), "--json", str(report)))
        without, _ = timed(kit_command("--no-properties"))
        return KitTiming(
            property_cases=property_cases,
            kit=TimedRun(kit.seconds, kit.exit_code, cases),
            kit_without_properties=without,
            report=read_kit_report(report),
            st_run=st_run(cases, Path(directory)),
        )
