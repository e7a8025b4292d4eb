"""The planner's order and sizing cases (tests/planner_cases/): well-formed, and each the plan it states."""

import dataclasses
import json

import pytest
from jsonschema import Draft202012Validator

from reference_server.paper.planner import SubscriptionSettings
from tests.planner import (
    case_file_validator,
    case_files,
    case_schema,
    open_order,
    plan,
    plan_case,
    plan_differences,
    planner_cases,
    signal,
)
from webhook_spec import Signal, validate_body

CASES = list(planner_cases())


def test_the_case_schema_is_a_valid_schema():
    Draft202012Validator.check_schema(case_schema())


@pytest.mark.parametrize("path", case_files(), ids=lambda path: path.name)
def test_case_file_matches_the_case_schema(path):
    errors = [error.message for error in case_file_validator().iter_errors(json.loads(path.read_text()))]
    assert errors == []


@pytest.mark.parametrize(
    ("file", "case"), CASES, ids=[f"{file}: {case['description']}" for file, case in CASES]
)
def test_the_planner_makes_the_case_plan(file, case):
    assert plan_differences(case["plan"], plan_case(case)) == []


def test_every_signal_is_valid_and_already_normalized():
    valid = [case for _, case in CASES if "invalid_signal" not in case]
    outcomes = [(case, validate_body(json.dumps(case["signal"]).encode())) for case in valid]
    assert [
        case["description"]
        for case, outcome in outcomes
        if not isinstance(outcome, Signal) or outcome.normalized != case["signal"]
    ] == []


def test_every_expected_part_that_differs_is_reported():
    actual = plan(signal("buy"), held=-10, orders=(open_order("a"),))  # cancel a, cover 10, buy 1
    wrong = {
        "rejection": "no-position",
        "cancel_order_ids": [],
        "notes": [{"field": "orderType"}],
        "orders": ["entry", "exit"],
        "exit": {"quantity": 9, "instruction": "sell"},
        "entry": None,
        "take_profit": {},
    }
    assert len(plan_differences(wrong, actual)) == 8
    right = {"rejection": None, "cancel_order_ids": ["a"], "exit": {"quantity": 10}, "take_profit": None}
    assert plan_differences(right, actual) == []


def test_descriptions_are_unique():
    descriptions = [case["description"] for _, case in CASES]
    assert len(descriptions) == len(set(descriptions))


# Settings that can replace or leave out what a signal asks, besides every use_signal_* and
# allow_signal_* setting: broker capabilities, fractions, sides and windows (D-078). option_type acts
# where the contract is chosen, before planning: test_planner_options tests its note.
REPLACING_SETTINGS = {
    "broker.order_types",
    "broker.time_in_force",
    "broker.fractional",
    "fractional",
    "allowed_sides",
    "trading_windows",
    "allow_exits_outside_windows",
    "allow_cancels_outside_windows",
}


@pytest.mark.decision("D-078")
def test_every_setting_that_can_replace_a_signal_field_has_a_case_with_its_note():
    signal_settings = {
        field.name
        for field in dataclasses.fields(SubscriptionSettings)
        if field.name.startswith(("use_signal_", "allow_signal_"))
    }
    noted = {
        note["setting"]
        for file, case in CASES
        if file == "notes"
        for note in case["plan"].get("notes", [])
        if note.get("setting")
    }
    assert sorted((signal_settings | REPLACING_SETTINGS) - noted) == []
