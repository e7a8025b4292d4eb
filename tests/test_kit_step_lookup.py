"""The kit's memo of pytest-bdd's step lookup: each step text looked up once, every step still bound to
the definition that parses it, and pytest-bdd's own lookup back when the session ends."""

import textwrap

import pytest

from conformance.step_lookup import _BDD_SCENARIO, StepLookup

FEATURE = """\
Feature: Numbers
  Scenario: One
    Given the number 1
    Then it is 1

  Scenario: One again
    Given the number 1
    Then it is 1

  Scenario: Two
    Given the number 2
    Then it is even
"""

STEPS = """\
from pytest_bdd import given, parsers, scenarios, then

scenarios("numbers.feature")


@given(parsers.parse("the number {number:d}"), target_fixture="number")
def the_number(number):
    return number


@then(parsers.parse("it is {expected:d}"))
def it_is(number, expected):
    assert number == expected


@then("it is even")
def it_is_even(number):
    assert number % 2 == 0
"""


class CheckedLookup(StepLookup):
    """StepLookup, checked against pytest-bdd's own lookup at every step."""

    def __init__(self) -> None:
        super().__init__()
        self.steps: list[tuple[str, str]] = []

    def find(self, step, fixturemanager, node):
        found = super().find(step, fixturemanager, node)
        assert found == list(self._original(step=step, fixturemanager=fixturemanager, node=node))
        self.steps.append((step.type, step.name))
        self.memo_size = len(self._found)
        return found


def test_each_step_text_is_matched_once_and_bound_to_the_definition_pytest_bdd_finds(tmp_path):
    (tmp_path / "numbers.feature").write_text(FEATURE)
    (tmp_path / "test_numbers_lookup.py").write_text(textwrap.dedent(STEPS))
    original = _BDD_SCENARIO.find_fixturedefs_for_step
    lookup = CheckedLookup()
    plugins_as_the_kit_loads_them = ["--disable-plugin-autoload", "-p", "pytest_bdd.plugin"]
    status = pytest.main(
        [
            str(tmp_path),
            "-q",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(tmp_path),
            *plugins_as_the_kit_loads_them,
        ],
        plugins=[lookup],
    )
    assert status == pytest.ExitCode.OK  # "it is even" found its own definition
    assert len(lookup.steps) == 6 and lookup.memo_size == 4  # "the number 1", "it is 1" twice each
    assert _BDD_SCENARIO.find_fixturedefs_for_step is original
