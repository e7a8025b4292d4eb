"""The figures every report shows: counts of scenarios and requirements by outcome."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from typing import Any

from conformance.results import RequirementResult, ScenarioResult


def counts(
    requirements: list[RequirementResult], scenarios: list[ScenarioResult]
) -> dict[str, dict[str, int]]:
    """Outcome counts for requirements (MUST and SHOULD apart), scenarios, and scenarios by feature area."""
    areas: dict[str, Counter[str]] = {}
    for scenario in scenarios:
        areas.setdefault(scenario.area, Counter())[scenario.outcome] += 1
    return {
        "MUST": dict(Counter(r.outcome for r in requirements if r.level == "MUST")),
        "SHOULD": dict(Counter(r.outcome for r in requirements if r.level == "SHOULD")),
        "scenarios": dict(Counter(s.outcome for s in scenarios)),
        "areas": {area: dict(counted) for area, counted in areas.items()},
    }


def _levels(requirements: list[RequirementResult]) -> dict[str, str]:
    """Each scenario's level: MUST when it checks a MUST requirement, else SHOULD."""
    levels: dict[str, str] = {}
    for requirement in requirements:
        for scenario in requirement.scenarios:
            if levels.get(scenario.name) != "MUST":
                levels[scenario.name] = requirement.level
    return levels


def report_data(
    target: dict[str, Any],
    requirements: list[RequirementResult],
    scenarios: list[ScenarioResult],
    exit_code: int,
) -> dict[str, Any]:
    """Everything a report shows, as JSON-ready data; scenarios are named `Feature: Scenario [example]`."""
    levels = _levels(requirements)
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
                "scenarios": [s.name for s in r.scenarios],
            }
            for r in requirements
        ],
        "scenarios": [{"name": s.name, **asdict(s), "level": levels.get(s.name, "")} for s in scenarios],
    }
