"""The error-code catalogue is complete, well-formed, and tied to the schema's rules."""

import json

import pytest
from jsonschema import Draft202012Validator

from tests.sources import vendor_openapi
from webhook_spec.catalogue import error_codes
from webhook_spec.openapi import WEBHOOK_PATH
from webhook_spec.paths import schema_file
from webhook_spec.signal_schema import CODE_KEYWORD, signal_schema


def _schema_codes(node) -> set[str]:
    if isinstance(node, dict):
        found = {node[CODE_KEYWORD]} if CODE_KEYWORD in node else set()
        return found.union(*(_schema_codes(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_schema_codes(value) for value in node))
    return set()


def test_catalogue_matches_its_schema():
    catalogue = json.loads(schema_file("error-codes.json").read_text())
    shape = json.loads(schema_file("error-codes.schema.json").read_text())
    Draft202012Validator.check_schema(shape)
    errors = [error.message for error in Draft202012Validator(shape).iter_errors(catalogue)]
    assert errors == []


def test_codes_are_unique():
    catalogue = json.loads(schema_file("error-codes.json").read_text())
    names = [entry["code"] for entry in catalogue["codes"]]
    assert len(names) == len(set(names))


def test_every_vendor_code_is_catalogued():
    enum = vendor_openapi()["paths"][WEBHOOK_PATH]["post"]["responses"]["400"]["content"]["application/json"][
        "schema"
    ]["properties"]["messageCode"]["enum"]
    assert len(enum) == 57
    assert set(enum) - set(error_codes()) == set()


@pytest.mark.parametrize("code", ["not-found", "too-many-requests"])
def test_non_400_codes_are_catalogued(code):
    assert error_codes()[code].status == {"not-found": 404, "too-many-requests": 429}[code]


def test_schema_codes_are_exactly_the_schema_stage():
    in_schema = _schema_codes(signal_schema())
    catalogued = {code for code, entry in error_codes().items() if entry.stage == "schema"}
    assert in_schema == catalogued


def test_vendor_messages_are_kept():
    examples = vendor_openapi()["paths"][WEBHOOK_PATH]["post"]["responses"]["400"]["content"][
        "application/json"
    ]["examples"]
    for code, example in examples.items():
        assert error_codes()[code].message == example["value"]["message"], code
