"""features/ covers the spec: every contract requirement, every error code and every field has a scenario."""

import json
import re
from functools import cache

import pytest
from jsonschema import Draft202012Validator
from pytest_bdd.feature import get_features

from conformance.plugin import STATEFUL_TAG
from conformance.scenario_lane import SHARED_STATE_NEEDS
from conformance.target import CAPABILITIES
from webhook_spec.catalogue import error_codes
from webhook_spec.paths import data_dir, schema_file
from webhook_spec.requirements import requirements
from webhook_spec.signal_schema import resolve, signal_schema

CAPABILITY_TAGS = set(CAPABILITIES)
KIT_TAGS = CAPABILITY_TAGS | {STATEFUL_TAG}
# Steps that hold an answer to what the gateway remembers from the scenario's earlier requests.
REMEMBERING_STEPS = {"the answer has the id and payload of the first answer"}
RESPONSE_STEP = re.compile(r'^the response is (\d+) "([a-z-]+)"$')


@cache
def rendered_scenarios() -> list[tuple[str, set[str], list[str]]]:
    """Every scenario, each Examples row rendered: (name, tags, step texts and docstrings)."""
    scenarios = []
    for feature in get_features([str(data_dir("features"))]):
        for template in feature.scenarios.values():
            contexts = [context for examples in template.examples for context in examples.as_contexts()] or [
                {}
            ]
            for context in contexts:
                scenario = template.render(context)
                texts = [text for step in scenario.steps for text in (step.name, step.docstring or "")]
                scenarios.append((f"{feature.name}: {scenario.name}", template.tags, texts))
    return scenarios


def _all_text() -> str:
    return "\n".join(text for _, _, texts in rendered_scenarios() for text in texts)


def test_the_requirements_catalogue_matches_its_schema():
    shape = json.loads(schema_file("requirements.schema.json").read_text())
    document = json.loads(schema_file("requirements.json").read_text())
    assert [error.message for error in Draft202012Validator(shape).iter_errors(document)] == []


def test_requirements_name_real_codes_and_fields():
    fields = set(_field_names())
    for requirement in requirements().values():
        assert set(requirement.get("codes", [])) <= set(error_codes()), requirement["id"]
        assert {field.split(".")[-1] for field in requirement.get("fields", [])} <= fields, requirement["id"]


def test_every_scenario_checks_a_known_requirement_and_only_known_tags():
    for name, tags, _ in rendered_scenarios():
        requirement_tags = {tag for tag in tags if tag.startswith("REQ-")}
        assert requirement_tags, f"{name} cites no requirement"
        assert requirement_tags <= set(requirements()), (
            f"{name} cites unknown ids {requirement_tags - set(requirements())}"
        )
        assert tags - requirement_tags <= KIT_TAGS, f"{name} has unknown tags {tags - requirement_tags}"


def test_a_scenario_that_counts_on_the_gateways_memory_never_runs_beside_a_reset():
    """Tagged stateful, or needing what keeps it in the kit's process: a scenario lane beside the
    control-API scenarios would see a reset wipe the first signal between its two requests."""
    remembering = [
        (name, tags) for name, tags, texts in rendered_scenarios() if REMEMBERING_STEPS & set(texts)
    ]
    assert remembering
    for name, tags in remembering:
        assert STATEFUL_TAG in tags or tags & SHARED_STATE_NEEDS, f"{name} counts on memory: tag it @stateful"


# Requirements no scenario can observe through the test-control API, each with the reason.
UNOBSERVABLE = {
    "REQ-ORDER-12": "the paper broker fills a reversal's market exit at once and moves no prices, so an "
    "entry never has to wait for its exit (the 2-minute limit)",
    "REQ-RATE-08": "a kit run cannot take the target's rate-limit storage away; tests/test_redis_failures.py "
    "stops the reference gateway's Redis",
}

# Codes no scenario can provoke from outside, each with the reason.
UNPROVOKED_CODES = {
    "internal-error": "only a gateway bug answers it",
    "rate-limit-unavailable": UNOBSERVABLE["REQ-RATE-08"],
}


def test_every_requirement_has_a_scenario():
    cited = {tag for _, tags, _ in rendered_scenarios() for tag in tags}
    # Property checks (conformance/properties.py) cite their requirements with markers instead of tags.
    cited |= {"REQ-RESPONSE-01", "REQ-RESPONSE-02", "REQ-RESPONSE-08"}
    # Layer operation: how the reference gateway runs, checked by the project's tests instead.
    operation = {key for key, requirement in requirements().items() if requirement["layer"] == "operation"}
    assert sorted(set(requirements()) - cited - set(UNOBSERVABLE) - operation) == []
    assert set(UNOBSERVABLE) <= set(requirements()) and not set(UNOBSERVABLE) & cited


@pytest.mark.parametrize("code", [code for code in error_codes() if code not in UNPROVOKED_CODES])
def test_every_error_code_is_the_expected_answer_of_a_scenario(code):
    expected = {
        match.groups()
        for _, _, texts in rendered_scenarios()
        for text in texts
        if (match := RESPONSE_STEP.match(text))
    }
    assert (str(error_codes()[code].status), code) in expected


def _field_names() -> list[str]:
    names = list(signal_schema()["properties"])
    for parent in ("takeProfit", "stopLoss"):
        names += list(resolve(signal_schema()["properties"][parent])["properties"])
    return names


@pytest.mark.parametrize("field", _field_names())
def test_every_request_field_is_sent_by_a_scenario(field):
    assert f'"{field}":' in _all_text()


def test_scenario_names_are_unique_per_feature():
    names = [name for name, _, _ in rendered_scenarios()]
    templates = {(name, tuple(texts)) for name, _, texts in rendered_scenarios()}
    assert len(templates) == len(names), "two scenarios (or Examples rows) are identical"
