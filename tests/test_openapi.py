"""schema/openapi.yaml is a valid OpenAPI 3.1 description, tied to the signal schema and the catalogue."""

import json
import re
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis.config import SchemathesisConfig
from schemathesis.core.result import Err

from tests.openapi_examples import examples
from tests.sources import main_document
from webhook_spec.catalogue import error_codes
from webhook_spec.openapi import (
    BASE_URI,
    OPENAPI_FILE,
    SIGNAL_REF,
    WEBHOOK_API,
    WEBHOOK_PATH,
    deref,
    escape_pointer,
    openapi_document,
    openapi_registry,
    validator_at,
)
from webhook_spec.signal_schema import signal_schema, signal_validator

OPENAPI = OPENAPI_FILE
PATH = WEBHOOK_PATH
BODY_MEDIA_TYPES = {"application/json", "text/plain", "text/json"}
OTHER_METHODS = ("get", "put", "patch", "delete", "options", "trace", "head")
spec = openapi_document
_escape = escape_pointer


def post() -> dict[str, Any]:
    return spec()["paths"][PATH]["post"]


def response_schema(status: int | str, method: str = "post") -> dict[str, Any]:
    """The resolved JSON body schema of a documented response."""
    response = deref(spec()["paths"][PATH][method]["responses"][str(status)])
    return deref(response["content"]["application/json"]["schema"])


def allowed_codes(schema: dict[str, Any]) -> list[str]:
    """The messageCode values a per-status error schema allows."""
    code = schema["properties"]["messageCode"]
    return code["enum"] if "enum" in code else [code["const"]]


def catalogue_codes(status: int) -> list[str]:
    return [code for code, entry in error_codes().items() if entry.status == status]


registry = openapi_registry


@pytest.fixture(scope="module")
def loaded():
    return schemathesis.openapi.from_path(OPENAPI, config=SchemathesisConfig())  # not the shipped toml


def test_spec_passes_openapi_spec_validator():
    validate(spec(), base_uri=BASE_URI)


def test_request_body_is_the_signal_schema_by_reference():
    body = post()["requestBody"]
    assert body["required"] is True
    assert set(body["content"]) == BODY_MEDIA_TYPES
    for media in body["content"].values():
        assert media["schema"] == {"$ref": SIGNAL_REF}


def test_schemathesis_loads_every_operation(loaded):
    results = list(loaded.get_all_operations())
    assert [str(result.err()) for result in results if isinstance(result, Err)] == []
    operations = [result.ok() for result in results]
    assert {operation.method.lower() for operation in operations} == {"post", *OTHER_METHODS}
    (operation,) = [operation for operation in operations if operation.method.lower() == "post"]
    assert {body.media_type for body in operation.body} == BODY_MEDIA_TYPES
    for body in operation.body:
        assert set(body.resolved_schema["properties"]) == set(signal_schema()["properties"])


def test_schemathesis_generates_valid_signals(loaded):
    operation = loaded[PATH]["POST"]
    bodies = []

    @settings(max_examples=15, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(operation.as_strategy())
    def draw(case):
        bodies.append(case.body)

    draw()
    assert bodies
    assert [body for body in bodies if not signal_validator().is_valid(body)] == []


@pytest.mark.parametrize(
    ("value", "schema_pointer"),
    [pytest.param(value, schema, id=where) for where, value, schema in examples(WEBHOOK_API, spec())],
)
def test_example_matches_its_schema(value, schema_pointer):
    errors = validator_at(schema_pointer).iter_errors(value)
    assert [f"{list(error.absolute_path)}: {error.message}" for error in errors] == []


@pytest.mark.parametrize(
    "body",
    [
        {"success": False, "messageCode": "invalid-action", "message": "m", "extra": 1},
        {"success": False, "messageCode": "invalid-action", "message": "m", "logId": "1"},
        {"success": True, "messageCode": "invalid-action", "message": "m"},
        {"success": False, "messageCode": "not-found", "message": "Webhook not found."},
    ],
)
def test_400_schema_rejects_other_bodies(body):
    assert not validator_at("/components/schemas/BadRequestError").is_valid(body)


@pytest.mark.decision("D-004")
@pytest.mark.decision("D-005")
@pytest.mark.parametrize(
    "payload",
    [
        {"ticker": "AAPL", "action": "buy", "price": 191.25},
        {"ticker": "AAPL", "action": "buy", "sentiment": "long"},
        {"ticker": "SQ", "action": "buy", "takeProfit": {"price": 9}},
        {"ticker": "AAPL", "action": "hold"},
    ],
)
def test_accepted_payload_rejects_aliases_and_invalid_signals(payload):
    assert not validator_at("/components/schemas/NormalizedSignal").is_valid(payload)


def test_request_examples_come_from_the_main_document():
    blocks = []
    for text in re.findall(r"```json5?\n(.*?)```", main_document(), flags=re.DOTALL):
        try:
            blocks.append(json.loads(text))
        except ValueError:
            continue  # json5 blocks with comments, and the malformed-JSON samples
    requests = [
        (where, value)
        for where, value, _ in examples(
            WEBHOOK_API, post()["requestBody"], f"/paths/{_escape(PATH)}/post/requestBody"
        )
    ]
    assert len(requests) >= 3
    assert [where for where, value in requests if value not in blocks] == []


def test_400_enum_is_exactly_the_status_400_codes_in_precedence_order():
    enum = allowed_codes(response_schema(400))
    assert set(enum) == set(catalogue_codes(400))
    assert enum == catalogue_codes(400)


@pytest.mark.parametrize("status", sorted({entry.status for entry in error_codes().values()}))
def test_each_error_status_allows_exactly_its_catalogue_codes(status):
    schema = response_schema(status)
    assert schema["allOf"] == [{"$ref": "#/components/schemas/Error"}]
    assert set(allowed_codes(schema)) == set(catalogue_codes(status))


@pytest.mark.parametrize("code", list(error_codes()))
def test_every_code_has_an_example_with_the_catalogue_message(code):
    entry = error_codes()[code]
    response = deref(post()["responses"][str(entry.status)])
    example = deref(response["content"]["application/json"]["examples"][code])["value"]
    assert example["messageCode"] == code
    assert example["message"] == entry.message


def test_accepted_response_requires_success_ids_and_payload():
    schema = response_schema(200)
    assert set(schema["required"]) == {"success", "id", "logId", "payload"}
    assert schema["properties"]["success"] == {"const": True}
    assert deref(schema["properties"]["payload"])["$ref"] == SIGNAL_REF


@pytest.mark.decision("D-020")
@pytest.mark.parametrize("method", OTHER_METHODS)
def test_other_methods_answer_post_required(method):
    responses = spec()["paths"][PATH][method]["responses"]
    assert set(responses) == {"400"}
    if method == "head":  # HTTP forbids a body in a response to HEAD
        assert "content" not in deref(responses["400"])
    else:
        # malformed-request: a request the HTTP server could not read, whatever its method (D-050)
        assert allowed_codes(response_schema(400, method)) == ["malformed-request", "post-required"]


def test_rate_limit_response_documents_retry_after():
    response = deref(post()["responses"]["429"])
    header = deref(response["headers"]["Retry-After"])
    assert header["required"] is True
    assert header["schema"]["type"] == "integer"


@pytest.mark.decision("D-016")
def test_description_states_the_pipeline_in_precedence_order():
    description = post()["description"]
    stages = ["Method", "Webhook lookup", "Password", "Source restriction", "Rate limit", "Body size"]
    stages += ["Body parsing", "Schema rules", "Ticker checks", "Accept"]
    positions = [description.index(f"**{stage}**") for stage in stages]
    assert positions == sorted(positions)
    # Every code outside the schema stage is named, in the catalogue's order.
    named = [code for code, entry in error_codes().items() if entry.stage != "schema"]
    positions = [description.index(f"`{code}`") for code in named]
    assert positions == sorted(positions)
    assert "always JSON" in description
