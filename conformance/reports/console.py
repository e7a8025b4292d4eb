"""The console summary: one line per requirement, then the failures with their reasons."""

from __future__ import annotations

from typing import Any

from conformance.results import FAILED, UNEXPECTED_PASS

_LABELS = {"passed": "PASS", "failed": "FAIL", "not-applicable": "N/A ", "expected-failure": "XFAIL"}


def console_summary(data: dict[str, Any]) -> str:
    """Requirement lines, failures, and a closing count line."""
    lines = ["", "Requirements:"]
    for requirement in data["requirements"]:
        label = _LABELS.get(requirement["outcome"], requirement["outcome"])
        lines.append(
            f"  {label:5} {requirement['id']:<18} {requirement['level']:6} {requirement['statement']}"
        )
    failures = [s for s in data["scenarios"] if s["outcome"] in (FAILED, UNEXPECTED_PASS)]
    if failures:
        lines += ["", "Failures:"]
        lines += [f"  {s['name']}\n      {s['reason']}" for s in failures]
    lines.append("")
    lines.append(_closing_line(data["counts"]))
    return "\n".join(lines)


def _closing_line(counts: dict[str, dict[str, int]]) -> str:
    must, scenarios = counts["MUST"], counts["scenarios"]
    should_failed = counts["SHOULD"].get("failed", 0)
    return (
        f"MUST requirements: {must.get('passed', 0)} passed, {must.get('failed', 0)} failed, "
        f"{must.get('not-applicable', 0)} not applicable; SHOULD failed: {should_failed}. "
        f"Scenarios: {scenarios.get('passed', 0)} passed, {scenarios.get('failed', 0)} failed, "
        f"{scenarios.get('not-applicable', 0)} not applicable, "
        f"{scenarios.get('expected-failure', 0)} expected failures."
    )
