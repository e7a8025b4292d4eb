"""The kit's pytest plugin: tags to markers, capabilities, selection, expected failures, results."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_bdd.scenario import scenario_wrapper_template_registry

from conformance.redaction import Redactor
from conformance.results import (
    EXPECTED_FAILURE,
    FAILED,
    NOT_APPLICABLE,
    PASSED,
    UNEXPECTED_PASS,
    ScenarioResult,
)
from conformance.steps.fixtures import CLIENT_KEY, REDACTOR_KEY, TARGET_KEY
from conformance.target import CAPABILITIES, Target

REQUIREMENT_PREFIX = "REQ-"
MAX_REPORTED_EXCHANGES = 5


class KitPlugin:
    """Configures one kit run and collects its results."""

    def __init__(
        self,
        target: Target,
        requirements: frozenset[str] = frozenset(),
        tags: frozenset[str] = frozenset(),
        expected_failures: frozenset[str] = frozenset(),
        redactor: Redactor | None = None,
    ) -> None:
        self.target = target
        self.redactor = redactor or Redactor()
        self.selected_requirements = requirements
        self.selected_tags = tags
        self.expected_failures = expected_failures
        self.results: list[ScenarioResult] = []

    def pytest_configure(self, config: pytest.Config) -> None:
        """Hand the target and the redactor to the fixtures and declare the kit's markers."""
        config.stash[TARGET_KEY] = self.target
        config.stash[REDACTOR_KEY] = self.redactor
        config.addinivalue_line("markers", "requirement(id): the requirement a scenario checks")
        config.addinivalue_line("markers", "needs(capability): a capability the target must offer")
        config.addinivalue_line("markers", "tag(name): a Gherkin tag of the scenario")

    @pytest.hookimpl(tryfirst=True)
    def pytest_bdd_apply_tag(self, tag: str, function) -> bool:
        """Gherkin tags become requirement, capability or plain tag markers (no unknown-marker noise)."""
        if tag.startswith(REQUIREMENT_PREFIX):
            pytest.mark.requirement(tag)(function)
        elif tag in CAPABILITIES:
            pytest.mark.needs(tag)(function)
        pytest.mark.tag(tag)(function)
        return True

    def _selected(self, item: pytest.Item) -> bool:
        tags = {mark.args[0] for mark in item.iter_markers("tag")}
        if self.selected_tags and not tags & self.selected_tags:
            return False
        return not self.selected_requirements or bool(set(requirement_ids(item)) & self.selected_requirements)

    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        """Keep the selected scenarios; mark the listed expected failures (strict: a pass fails the run)."""
        kept = [item for item in items if self._selected(item)]
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept
        for item in kept:
            if {scenario_name(item), display_name(item)} & self.expected_failures:
                item.add_marker(pytest.mark.xfail(reason="listed in the expected-failures file", strict=True))

    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        """A scenario that needs a capability the target lacks is not applicable."""
        needed = dict.fromkeys(mark.args[0] for mark in item.iter_markers("needs"))
        missing = [name for name in needed if name not in self.target.capabilities]
        if missing:
            explained = "; ".join(f"{name} ({CAPABILITIES[name]})" for name in missing)
            pytest.skip(f"not applicable: the target lacks {explained}")

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        """Redact the report every later reader gets (console, JUnit, results); record the outcome once.

        The outermost wrapper: it sees the report after pytest's xfail handling has shaped it.
        """
        report = self.redactor.report(item.config, (yield))
        if report.when == "call" or (report.when == "setup" and not report.passed):
            self.results.append(_result(item, report))
        for requirement in requirement_ids(item):
            if report.when == "setup":
                item.user_properties.append(("requirement", requirement))
        return report

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_make_collect_report(self, collector: pytest.Collector):
        """Redact a failed collection's report too (its traceback is printed and goes into JUnit)."""
        report = yield
        if not report.failed:
            return report
        redacted = self.redactor.report(collector.config, report)
        redacted.result = report.result
        return redacted


def requirement_ids(item: pytest.Item) -> tuple[str, ...]:
    """The requirement ids a test item checks."""
    return tuple(dict.fromkeys(mark.args[0] for mark in item.iter_markers("requirement")))


def _scenario(item: pytest.Item):
    return scenario_wrapper_template_registry.get(getattr(item, "obj", None))


def scenario_name(item: pytest.Item) -> str:
    """`Feature: Scenario`, as the expected-failures file lists it (the test name for other tests)."""
    scenario = _scenario(item)
    return item.name if scenario is None else f"{scenario.feature.name}: {scenario.name}"


def display_name(item: pytest.Item) -> str:
    """The scenario name, with the Examples row of an outline."""
    callspec = getattr(item, "callspec", None)
    return scenario_name(item) + (f" [{callspec.id}]" if callspec is not None else "")


def _outcome(report: pytest.TestReport) -> tuple[str, str]:
    if report.failed and str(report.longrepr).startswith("[XPASS(strict)]"):  # pytest's strict xpass
        return UNEXPECTED_PASS, "listed in the expected-failures file, but passed: remove it from the list"
    if hasattr(report, "wasxfail"):
        return (EXPECTED_FAILURE, report.wasxfail) if report.skipped else (UNEXPECTED_PASS, report.wasxfail)
    if report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        return NOT_APPLICABLE, reason.removeprefix("Skipped: ").removeprefix("not applicable: ")
    if report.failed:
        crash = getattr(report.longrepr, "reprcrash", None)
        return FAILED, crash.message if crash is not None else str(report.longrepr).strip().splitlines()[-1]
    return PASSED, ""


def _failure_exchanges(outcome: str, client) -> list[dict]:
    """The last requests of a failed scenario (a property check's last one is its shrunk example)."""
    if client is None or outcome not in (FAILED, UNEXPECTED_PASS):
        return []
    return [exchange.report() for exchange in client.exchanges[-MAX_REPORTED_EXCHANGES:]]


def _result(item: pytest.Item, report: pytest.TestReport) -> ScenarioResult:
    outcome, reason = _outcome(report)
    client = item.stash.get(CLIENT_KEY, None)
    scenario = _scenario(item)
    return ScenarioResult(
        nodeid=item.nodeid,
        feature=Path(scenario.feature.filename).name if scenario else Path(str(item.path)).name,
        name=display_name(item),
        requirements=requirement_ids(item),
        outcome=outcome,
        reason=reason,
        duration=report.duration,
        exchanges=_failure_exchanges(outcome, client),
    )
