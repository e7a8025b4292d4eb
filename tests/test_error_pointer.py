"""A 400 of a schema rule names the field at fault: pointer and detail, over HTTP (D-070)."""

import json

import pytest
import requests

from tests.gateways import HOOKS
from webhook_spec.catalogue import error_code
from webhook_spec.openapi import response_validator, webhook_path

STOCKS = HOOKS["stocks"]


def _answer(gateway, body: bytes, password: str = STOCKS.password) -> tuple[int, dict]:
    """POST `body` to the stocks webhook; the status and the JSON body, checked against the OpenAPI."""
    response = requests.post(gateway.base_url + webhook_path(STOCKS.uuid, password), data=body, timeout=10)
    answer = response.json()
    validator = response_validator("POST", response.status_code)
    assert validator is not None and list(validator.iter_errors(answer)) == [], answer
    return response.status_code, answer


@pytest.mark.decision("D-070")
@pytest.mark.parametrize(
    ("signal", "code", "pointer", "named"),
    [
        ({"ticker": "AMD", "action": "buy", "price": "{{close}}"}, "invalid-payload", "/price", "price"),
        ({"action": "buy"}, "invalid-payload", "/ticker", "ticker"),
        (
            {"ticker": "AMD", "action": "buy", "stopLoss": {"type": "stop", "stopPrice": "{{plot_0}}"}},
            "invalid-stop-loss-stop-price",
            "/stopLoss/stopPrice",
            "stopLoss.stopPrice",
        ),
        (
            {"ticker": "AMD", "action": "buy", "takeProfit": {"limitPrice": "{{close}}"}},
            "invalid-take-profit-limit-price",
            "/takeProfit/limitPrice",
            "takeProfit.limitPrice",
        ),
        ({"ticker": "AMD", "action": "buy", "time": "yesterday"}, "invalid-payload", "/time", "time"),
        ({"ticker": "AMD", "action": "hold"}, "invalid-action", "/action", "action"),
    ],
)
def test_a_schema_error_names_its_field(gateway, signal, code, pointer, named):
    status, answer = _answer(gateway, json.dumps(signal).encode())
    assert (status, answer["messageCode"], answer["pointer"]) == (400, code, pointer)
    assert answer["message"] == error_code(code).message  # the catalogue's, whatever the field
    assert answer["detail"].startswith(f"The {named} field is ")


@pytest.mark.decision("D-070")
def test_an_unrendered_placeholder_is_called_one(gateway):
    _, answer = _answer(gateway, b'{"ticker": "AMD", "action": "buy", "price": "{{close}}"}')
    assert answer["detail"].startswith(
        'The price field is invalid: "{{close}}" holds a placeholder that was not replaced by its value. '
        "It must be a number greater than 0"
    ), answer["detail"]


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b"[]", "The body is an array, not a JSON object."),
        (
            b'{"ticker": "AMD", "action": "exit", "quantityType": "dollar_amount", "quantity": 5}',
            "The fields of the signal do not go together.",
        ),
    ],
)
def test_an_error_of_the_body_as_a_whole_points_at_the_root(gateway, body, detail):
    _, answer = _answer(gateway, body)
    assert (answer["pointer"], answer["detail"]) == ("", detail)


@pytest.mark.decision("D-070")
@pytest.mark.parametrize(
    ("body", "wrong_password", "code"),
    [
        (b'{"ticker": "AMD", "action": "buy",}', False, "malformed-json"),
        (b"", False, "empty-json"),
        (b'{"ticker": "AMD", "action": "buy", "price": NaN}', False, "malformed-json"),
        (b'{"ticker": "NOPE", "action": "buy"}', False, "ticker-does-not-exist"),
        (b'{"ticker": "AMD", "action": "buy", "price": "{{close}}"}', True, "invalid-password"),
    ],
)
def test_no_field_is_named_where_none_is_at_fault(gateway, body, wrong_password, code):
    _, answer = _answer(gateway, body, "0" * 32 if wrong_password else STOCKS.password)
    assert answer["messageCode"] == code
    assert "pointer" not in answer and "detail" not in answer, answer
