"""Outcomes per scenario and per requirement, and the run's exit code."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PASSED, FAILED, NOT_APPLICABLE = "passed", "failed", "not-applicable"
EXPECTED_FAILURE, UNEXPECTED_PASS = "expected-failure", "unexpected-pass"
USAGE_ERROR = 2  # the exit code of a run that could not start (a bad option, an unreachable target)


@dataclass
class ScenarioResult:
    """One scenario (or property check) as it ran."""

    nodeid: str
    feature: str
    name: str
    requirements: tuple[str, ...]
    outcome: str
    reason: str = ""
    duration: float = 0.0
    exchanges: list[dict[str, Any]] = field(default_factory=list)  # a failure's last requests and responses
    area: str = ""  # the feature area: the Feature's name
    requests: int = 0  # how many requests it sent
    curl: str = ""  # a failure's shell command that sends its last request again (passwords as $PASSWORD)

    @property
    def counts_as_failure(self) -> bool:
        """A failure, or an expected failure that passed (the list must not go stale)."""
        return self.outcome in (FAILED, UNEXPECTED_PASS)


@dataclass
class RequirementResult:
    """A requirement's outcome over its scenarios."""

    id: str
    level: str
    statement: str
    scenarios: list[ScenarioResult]

    @property
    def outcome(self) -> str:
        """Failed if any scenario failed; passed if any passed; otherwise not applicable."""
        outcomes = {scenario.outcome for scenario in self.scenarios}
        if any(scenario.counts_as_failure for scenario in self.scenarios):
            return FAILED
        if outcomes & {PASSED, EXPECTED_FAILURE}:
            return PASSED if PASSED in outcomes else EXPECTED_FAILURE
        return NOT_APPLICABLE


def by_requirement(scenarios: list[ScenarioResult], catalogue: dict[str, dict]) -> list[RequirementResult]:
    """Group scenario results under the requirements they check, in catalogue order; unrun ones left out."""
    results = []
    for requirement_id, requirement in catalogue.items():
        mine = [scenario for scenario in scenarios if requirement_id in scenario.requirements]
        if mine:
            results.append(
                RequirementResult(requirement_id, requirement["level"], requirement["statement"], mine)
            )
    return results


def exit_code(requirements: list[RequirementResult], scenarios: list[ScenarioResult]) -> int:
    """0 when every applicable MUST requirement passed (and no listed expected failure passed), else 1."""
    must_failed = any(r.level == "MUST" and r.outcome == FAILED for r in requirements)
    stale = any(scenario.outcome == UNEXPECTED_PASS for scenario in scenarios)
    return 1 if must_failed or stale else 0
