"""The kit's own check of every webhook response against schema/openapi.yaml."""

import pytest

from conformance.client import Exchange
from conformance.contract import response_problems
from webhook_spec.openapi import (
    WEBHOOK_PATH,
    deref,
    fast_response_validator,
    openapi_document,
    response_validator,
)

REJECTION = (
    b'{"success": false, "messageCode": "invalid-action", "message": "The action is invalid.",'
    b' "logId": "01a2116e-45fd-7bed-ad87-55a07e53f4ea"'
)


def _exchange(body: bytes, status: int = 400, content_type: str = "application/json") -> Exchange:
    return Exchange("POST", "http://gateway/x", {}, b"{}", status, {"Content-Type": content_type}, body)


def test_a_documented_rejection_conforms():
    assert response_problems(_exchange(REJECTION + b"}")) == []


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (REJECTION + b', "success": true}', "the body is not strict JSON"),  # a duplicate key
        (REJECTION + b', "retry": NaN}', "the body is not strict JSON"),
        (REJECTION + b"} trailing", "the body is not strict JSON"),
        (b"", "the body is not strict JSON"),
    ],
)
def test_a_response_only_a_lenient_parser_reads_is_a_problem(body, problem):
    (found,) = response_problems(_exchange(body))
    assert found.startswith(problem)


def test_a_response_missing_a_documented_member_is_a_problem():
    assert "body: 'messageCode' is a required property" in response_problems(_exchange(b'{"success": false}'))


def test_html_and_5xx_answers_are_problems():
    assert response_problems(_exchange(b"<html></html>", content_type="text/html")) == [
        "Content-Type 'text/html' is not application/json"
    ]
    assert response_problems(_exchange(b"{}", status=502)) == ["status 502: no input may cause a 5xx"]


def _documented_examples():
    """Every example of a documented webhook response: (method, status, body)."""
    for method, operation in openapi_document()["paths"][WEBHOOK_PATH].items():
        if not isinstance(operation, dict):  # the path's summary or description
            continue
        for status, response in operation.get("responses", {}).items():
            content = deref(response).get("content", {}).get("application/json", {})
            for example in content.get("examples", {}).values():
                yield method.upper(), int(status), deref(example)["value"]


WRONG_VALUES = (
    None,
    1,
    1.5,
    True,
    "",
    "x",
    [],
    {},
    "47462F2D-378C-4BF5-A016-1C1221AA0E62",
    "{47462f2d-378c}",
)


def _variants(body):
    """`body`, and bodies one change away: a member dropped, a member of another value, one member more."""
    yield body
    if not isinstance(body, dict):
        return
    yield {**body, "unexpected": 1}
    for key, value in body.items():
        yield {name: kept for name, kept in body.items() if name != key}
        for wrong in WRONG_VALUES:
            yield {**body, key: wrong}
        for changed in _variants(value):
            yield {**body, key: changed}


def test_the_fast_validator_gives_every_response_the_verdict_of_the_full_one():
    verdicts = set()
    for method, status, example in _documented_examples():
        fast, full = fast_response_validator(method, status), response_validator(method, status)
        for body in _variants(example):
            verdict = full.is_valid(body)
            assert fast.is_valid(body) == verdict, (method, status, body)
            verdicts.add(verdict)
    assert verdicts == {True, False}


def test_a_body_jsonschema_rs_cannot_read_gets_the_full_validators_verdict():
    accepted = (
        b'{"success": true, "id": "47462f2d-378c-4bf5-a016-1c1221aa0e62",'
        b' "logId": "a036eff1-b7db-4f15-b5b6-f5e51995ad29",'
        b' "payload": {"ticker": "AMD", "action": "buy", "message": "a message of 25 characters: \\udfff"}'
    )
    assert response_problems(_exchange(accepted + b"}", status=200)) == []
    assert response_problems(_exchange(accepted + b', "extra": 1}', status=200)) == [
        "body: Additional properties are not allowed ('extra' was unexpected)"
    ]
