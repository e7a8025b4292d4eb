"""The figures every report shows: counts of scenarios and requirements by outcome."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from typing import Any

from conformance.results import RequirementResult, ScenarioResult


def counts(
    requirements: list[RequirementResult], scenarios: list[ScenarioResult]
) -> dict[str, dict[str, int]]:
    """Outcome counts for requirements (MUST and SHOULD apart) and scenarios."""
    return {
        "MUST": dict(Counter(r.outcome for r in requirements if r.level == "MUST")),
        "SHOULD": dict(Counter(r.outcome for r in requirements if r.level == "SHOULD")),
        "scenarios": dict(Counter(s.outcome for s in scenarios)),
    }


def report_data(
    target: dict[str, Any],
    requirements: list[RequirementResult],
    scenarios: list[ScenarioResult],
    exit_code: int,
) -> dict[str, Any]:
    """Everything a report shows, as JSON-ready data."""
    return {
        "target": target,
        "exitCode": exit_code,
        "counts": counts(requirements, scenarios),
        "requirements": [
            {
                "id": r.id,
                "level": r.level,
                "statement": r.statement,
                "outcome": r.outcome,
                "scenarios": [s.nodeid for s in r.scenarios],
            }
            for r in requirements
        ],
        "scenarios": [asdict(s) for s in scenarios],
    }
