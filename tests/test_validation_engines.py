"""The fast validator (jsonschema-rs) and the full one (jsonschema) give every document the same verdict,
and the same error: its code, pointer and detail."""

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.generation.modes import GenerationMode

from tests.test_validation_cost import documents
from webhook_spec.corpus import case_body, corpus_cases
from webhook_spec.openapi import OPENAPI_FILE, WEBHOOK_PATH
from webhook_spec.parsing import BodyError, parse_body
from webhook_spec.signal_schema import fast_signal_validator, signal_validator
from webhook_spec.validation import fast_schema_error, full_schema_error

# schemathesis's defaults, not the schemathesis.toml this project ships for `st run`.
OPERATION = schemathesis.openapi.from_path(OPENAPI_FILE, config=SchemathesisConfig())[WEBHOOK_PATH]["POST"]
PATH = {"uuid": "00000000-0000-4000-8000-000000000001", "password": "0" * 32}


def assert_same_verdict(document) -> None:
    assert fast_signal_validator().is_valid(document) == signal_validator().is_valid(document), document
    fast, full = fast_schema_error(document), full_schema_error(document)
    assert fast == full, document


def test_every_corpus_document_gets_the_same_verdict():
    for _, case in corpus_cases():
        try:
            document = parse_body(case_body(case))
        except BodyError:
            continue
        assert_same_verdict(document)


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(
    case=OPERATION.as_strategy(GenerationMode.POSITIVE, path_parameters=PATH, media_type="application/json")
)
def test_generated_valid_documents_get_the_same_verdict(case):
    assert_same_verdict(json.loads(json.dumps(case.body)))


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(
    case=OPERATION.as_strategy(GenerationMode.NEGATIVE, path_parameters=PATH, media_type="application/json")
)
def test_generated_invalid_documents_get_the_same_verdict(case):
    try:
        document = json.loads(json.dumps(case.body))
    except TypeError:  # raw bytes: not a document
        return
    assert_same_verdict(document)


@settings(max_examples=500, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(documents())
def test_corpus_payloads_with_members_replaced_get_the_same_error(document):
    assert_same_verdict(document)


@pytest.mark.decision("D-089")
def test_of_several_missing_names_the_first_the_keyword_asks_for_is_named():
    assert full_schema_error({}).pointer == fast_schema_error({}).pointer == "/ticker"
