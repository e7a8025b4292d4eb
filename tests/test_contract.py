"""The kit's own check of every webhook response against schema/openapi.yaml."""

import pytest

from conformance.client import Exchange
from conformance.contract import response_problems

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
