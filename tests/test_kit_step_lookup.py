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


def test_each_step_text_is_looked_up_once_and_bound_to_its_own_definition(tmp_path, monkeypatch):
    (tmp_path / "numbers.feature").write_text(FEATURE)
    (tmp_path / "test_numbers_lookup.py").write_text(textwrap.dedent(STEPS))
    looked_up = []
    original = _BDD_SCENARIO.find_fixturedefs_for_step

    def counted(step, fixturemanager, node):
        looked_up.append((step.type, step.name))
        return original(step=step, fixturemanager=fixturemanager, node=node)

    monkeypatch.setattr(_BDD_SCENARIO, "find_fixturedefs_for_step", counted)
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
        plugins=[StepLookup()],
    )
    assert status == pytest.ExitCode.OK  # "it is even" found its own definition
    assert sorted(looked_up) == [
        ("given", "the number 1"),
        ("given", "the number 2"),
        ("then", "it is 1"),
        ("then", "it is even"),
    ]
    assert _BDD_SCENARIO.find_fixturedefs_for_step is counted
