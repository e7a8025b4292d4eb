"""The kit's pytest plugin: tags to markers, capabilities, selection, expected failures, results."""

from __future__ import annotations

from pathlib import Path

import pytest
from _pytest.junitxml import xml_key
from pytest_bdd.scenario import scenario_wrapper_template_registry

from conformance.pytest_plugin import PROPERTIES_FILE, SCENARIOS_FILE
from conformance.redaction import Redactor
from conformance.reports.curl import reproduction
from conformance.results import (
    EXPECTED_FAILURE,
    FAILED,
    NOT_APPLICABLE,
    PASSED,
    UNEXPECTED_PASS,
    ScenarioResult,
)
from conformance.steps.fixtures import CLIENT_KEY, RAN_SECONDS_KEY, REDACTOR_KEY, TARGET_KEY
from conformance.target import CAPABILITIES, Target

REQUIREMENT_PREFIX = "REQ-"
# A scenario that counts on what the gateway remembers between its own requests (the first signal of a
# replay): a test-control API reset wipes that memory, so it never runs beside the control-API
# scenarios (conformance.scenario_lane).
STATEFUL_TAG = "stateful"
MAX_REPORTED_EXCHANGES = 5
PROPERTY_AREA = "Property checks"  # the area of the kit's tests that are not Gherkin scenarios
_KIT_FILES = frozenset({SCENARIOS_FILE, PROPERTIES_FILE})


class KitPlugin:
    """Configures one kit run and collects its results; tests that are not the kit's are left alone."""

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
    def pytest_bdd_apply_tag(self, tag: str, function) -> bool | None:
        """Requirement and capability tags become markers (no unknown-marker noise); others are left to
        pytest-bdd."""
        if tag.startswith(REQUIREMENT_PREFIX):
            pytest.mark.requirement(tag)(function)
        elif tag in CAPABILITIES:
            pytest.mark.needs(tag)(function)
        elif tag != STATEFUL_TAG:
            return None
        pytest.mark.tag(tag)(function)
        return True

    def _selected(self, item: pytest.Item) -> bool:
        tags = {mark.args[0] for mark in item.iter_markers("tag")}
        if self.selected_tags and not tags & self.selected_tags:
            return False
        return not self.selected_requirements or bool(set(requirement_ids(item)) & self.selected_requirements)

    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        """Keep the selected scenarios; mark the listed expected failures (strict: a pass fails the run)."""
        kept = [item for item in items if not is_kit_item(item) or self._selected(item)]
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept
        for item in kept:
            if is_kit_item(item) and {scenario_name(item), display_name(item)} & self.expected_failures:
                item.add_marker(pytest.mark.xfail(reason="listed in the expected-failures file", strict=True))

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        """Name the JUnit test case as the reports do; a scenario that needs what the target lacks is not
        applicable."""
        if not is_kit_item(item):
            return
        self.name_junit_case(item)
        needed = dict.fromkeys(mark.args[0] for mark in item.iter_markers("needs"))
        missing = [name for name in needed if name not in self.target.capabilities]
        if missing:
            explained = "; ".join(f"{name} ({CAPABILITIES[name]})" for name in missing)
            pytest.skip(f"not applicable: the target lacks {explained}")

    @staticmethod
    def name_junit_case(item: pytest.Item) -> None:
        """Name the item's JUnit test case as the reports do: its area and its display name."""
        junit = item.config.stash.get(xml_key, None)
        if junit is not None:
            testcase = junit.node_reporter(item.nodeid)
            testcase.add_attribute("classname", area_of(item))
            testcase.add_attribute("name", display_name(item))

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        """Redact the report every later reader gets (console, JUnit, results); record the outcome once.

        The outermost wrapper: it sees the report after pytest's xfail handling has shaped it.
        """
        report = yield
        if not is_kit_item(item):
            return report
        report = self.redactor.report(item.config, report)
        if report.when == "call" and RAN_SECONDS_KEY in item.stash:  # the check ran in the property lane
            report.duration = item.stash[RAN_SECONDS_KEY]
        if report.when == "call" or (report.when == "setup" and not report.passed):
            result = self._result(item, report)
            self.results.append(result)
            if result.curl:
                item.user_properties.append(("curl", result.curl))
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

    def _result(self, item: pytest.Item, report: pytest.TestReport) -> ScenarioResult:
        outcome, reason = outcome_of(report)
        client = item.stash.get(CLIENT_KEY, None)
        scenario = _scenario(item)
        failed = outcome in (FAILED, UNEXPECTED_PASS) and client is not None and bool(client.exchanges)
        return ScenarioResult(
            nodeid=item.nodeid,
            feature=Path(scenario.feature.filename).name if scenario else Path(str(item.path)).name,
            name=display_name(item),
            requirements=requirement_ids(item),
            outcome=outcome,
            reason=reason,
            duration=report.duration,
            exchanges=[e.report() for e in client.exchanges[-MAX_REPORTED_EXCHANGES:]] if failed else [],
            area=area_of(item),
            requests=len(client.exchanges) if client is not None else 0,
            curl=reproduction(client.exchanges[-1], self.redactor) if failed else "",
        )


def is_kit_item(item: pytest.Item) -> bool:
    """Whether `item` is one of the kit's scenarios or property checks (not a test of the user's own)."""
    return Path(str(item.path)).resolve() in _KIT_FILES


def requirement_ids(item: pytest.Item) -> tuple[str, ...]:
    """The requirement ids a test item checks."""
    return tuple(dict.fromkeys(mark.args[0] for mark in item.iter_markers("requirement")))


def _scenario(item: pytest.Item):
    return scenario_wrapper_template_registry.get(getattr(item, "obj", None))


def area_of(item: pytest.Item) -> str:
    """The feature area of a test item: its Feature's name (the property checks are one area)."""
    scenario = _scenario(item)
    return PROPERTY_AREA if scenario is None else scenario.feature.name


def scenario_name(item: pytest.Item) -> str:
    """`Feature: Scenario`, as the expected-failures file lists it (`Property checks: what it checks`)."""
    scenario = _scenario(item)
    if scenario is None:
        name = getattr(item, "originalname", item.name).removeprefix("test_").replace("_", " ")
        return f"{PROPERTY_AREA}: {name}"
    return f"{scenario.feature.name}: {scenario.name}"


def display_name(item: pytest.Item) -> str:
    """The scenario name, with the Examples row of an outline: `Feature: Scenario [example]`."""
    callspec = getattr(item, "callspec", None)
    return scenario_name(item) + (f" [{callspec.id}]" if callspec is not None else "")


def outcome_of(report: pytest.TestReport) -> tuple[str, str]:
    """The kit's outcome of a test report, and the reason: why it failed or was not applicable."""
    if report.failed and str(report.longrepr).startswith("[XPASS(strict)]"):  # pytest's strict xpass
        return UNEXPECTED_PASS, "listed in the expected-failures file, but passed: remove it from the list"
    if hasattr(report, "wasxfail"):
        return (EXPECTED_FAILURE, report.wasxfail) if report.skipped else (UNEXPECTED_PASS, report.wasxfail)
    if report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        return NOT_APPLICABLE, reason.removeprefix("Skipped: ").removeprefix("not applicable: ")
    if report.failed:
        crash = getattr(report.longrepr, "reprcrash", None)
        message = crash.message if crash is not None else str(report.longrepr).strip().splitlines()[-1]
        return FAILED, message.removeprefix("AssertionError: ")
    return PASSED, ""
