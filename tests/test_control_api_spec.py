"""schema/control-api.yaml: valid OpenAPI 3.1, every example fits, the settings match the planner's."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from openapi_spec_validator import validate

from reference_server.paper.planner import REASONS, SubscriptionSettings
from tests.openapi_examples import examples
from webhook_spec.openapi import CONTROL_API

BASE_URI = CONTROL_API.base_uri
CONTROL_CODES = {
    "control-unauthorized": 401,
    "control-invalid-request": 400,
    "control-not-found": 404,
    "control-payload-too-large": 413,
}
METHODS = ("get", "put", "post", "delete", "patch")


def spec() -> dict[str, Any]:
    return CONTROL_API.document


deref = CONTROL_API.deref
validator_at = CONTROL_API.validator_at


def operations() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec()["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def _has_example(media: dict[str, Any]) -> bool:
    return "example" in media or bool(media.get("examples"))


def test_the_description_is_valid_openapi_3_1():
    assert spec()["openapi"] == "3.1.0"
    validate(spec(), base_uri=BASE_URI)


def test_every_path_is_under_control_and_needs_the_bearer_token():
    assert spec()["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "The gateway's control token.",
    }
    assert spec()["security"] == [{"bearer": []}]
    assert set(spec()["paths"]) == {
        "/control/reset",
        "/control/webhooks",
        "/control/webhooks/{uuid}",
        "/control/webhooks/{uuid}/rotate",
        "/control/accounts/{account_id}",
        "/control/quotes/{symbol}",
        "/control/clock",
        "/control/trades",
        "/control/log",
    }
    for path, method, operation in operations():
        assert "security" not in operation, f"{method} {path} overrides the bearer requirement"
        assert "401" in operation["responses"], f"{method} {path} documents no 401"


@pytest.mark.parametrize(
    ("where", "value", "schema_pointer"),
    [pytest.param(*case, id=case[0]) for case in examples(CONTROL_API, spec())],
)
def test_every_example_fits_its_schema(where, value, schema_pointer):
    errors = [error.message for error in validator_at(schema_pointer).iter_errors(value)]
    assert errors == [], where


def test_every_operation_has_examples_for_its_body_and_its_responses():
    for path, method, operation in operations():
        body = deref(operation.get("requestBody", {})).get("content", {})
        assert all(_has_example(media) for media in body.values()), f"{method} {path} request"
        for status, response in operation["responses"].items():
            content = deref(response).get("content", {})
            assert content and all(_has_example(media) for media in content.values()), (
                f"{method} {path} {status}"
            )


def test_every_schema_is_referenced_from_the_components():
    for path, method, operation in operations():
        for status, response in operation["responses"].items():
            for media in deref(response)["content"].values():
                assert set(media["schema"]) == {"$ref"}, f"{method} {path} {status}: inline schema"
        for media in deref(operation.get("requestBody", {})).get("content", {}).values():
            assert set(media["schema"]) == {"$ref"}, f"{method} {path}: inline request schema"


def test_errors_use_the_control_codes_with_their_statuses():
    seen = set()
    for path, method, operation in operations():
        for status, response in operation["responses"].items():
            if status.startswith("2"):
                continue
            schema = deref(deref(response)["content"]["application/json"]["schema"])
            code = schema["properties"]["messageCode"]["const"]
            assert CONTROL_CODES[code] == int(status), f"{method} {path} {status}: {code}"
            seen.add(code)
    assert seen == set(CONTROL_CODES)
    base = spec()["components"]["schemas"]["ControlError"]
    assert set(base["properties"]["messageCode"]["enum"]) == set(CONTROL_CODES)


def test_every_operation_that_takes_a_body_documents_the_control_413_and_no_other_does():
    for path, method, operation in operations():
        assert ("413" in operation["responses"]) == ("requestBody" in operation), f"{method} {path}"


def test_error_bodies_are_closed_and_only_400_lists_errors():
    invalid = validator_at("/components/schemas/InvalidRequestError")
    unauthorized = validator_at("/components/schemas/UnauthorizedError")
    error = {"success": False, "messageCode": "control-unauthorized", "message": "no"}
    problem = {"pointer": "/x", "message": "bad"}
    assert unauthorized.is_valid(error)
    assert not unauthorized.is_valid(error | {"errors": [problem]})
    assert not unauthorized.is_valid(error | {"logId": "x"})
    assert not invalid.is_valid(error | {"messageCode": "control-invalid-request"})
    assert invalid.is_valid(error | {"messageCode": "control-invalid-request", "errors": [problem]})
    assert not invalid.is_valid(error | {"messageCode": "control-invalid-request", "errors": ["/x: bad"]})
    for wrong in ({"pointer": "x", "message": "bad"}, {"pointer": "/x"}, problem | {"code": 1}):
        assert not invalid.is_valid(error | {"messageCode": "control-invalid-request", "errors": [wrong]})


def test_the_rejection_reasons_are_the_planners_and_internal_error():
    documented = spec()["components"]["schemas"]["RejectionReason"]["enum"]
    assert set(documented) == set(REASONS) | {"internal-error"}
    description = spec()["components"]["schemas"]["RejectionReason"]["description"]
    assert all(f"`{reason}`" in description for reason in documented)


def test_subscription_settings_name_every_planner_setting():
    settings = spec()["components"]["schemas"]["SubscriptionSettings"]
    assert settings["additionalProperties"] is False
    assert set(settings["properties"]) == {field.name for field in dataclasses.fields(SubscriptionSettings)}
    assert all("default" in schema for schema in settings["properties"].values())


@pytest.mark.decision("D-083")
def test_effective_settings_require_every_setting_and_every_broker_capability():
    schemas = spec()["components"]["schemas"]
    effective = schemas["EffectiveSettings"]
    assert set(effective["required"]) == set(schemas["SubscriptionSettings"]["properties"])
    assert set(effective["properties"]["broker"]["required"]) == set(
        schemas["BrokerCapabilities"]["properties"]
    )
    window = effective["properties"]["trading_windows"]["items"]["required"]
    assert set(window) == set(schemas["TradingWindow"]["properties"])
    validator = validator_at("/components/schemas/EffectiveSettings")
    assert not validator.is_valid({}) and not validator.is_valid({"allowed_sides": "both"})


def test_the_documented_defaults_are_the_planner_defaults():
    defaults = {
        name: schema["default"]
        for name, schema in spec()["components"]["schemas"]["SubscriptionSettings"]["properties"].items()
    }
    planner = SubscriptionSettings()
    simple = {name: value for name, value in defaults.items() if name not in ("trading_windows", "broker")}
    assert simple == {name: getattr(planner, name) for name in simple}
    assert tuple(defaults["trading_windows"]) == planner.trading_windows
    broker = spec()["components"]["schemas"]["BrokerCapabilities"]["properties"]
    for name, schema in broker.items():
        value = getattr(planner.broker, name)
        assert (set(schema["default"]) if isinstance(value, frozenset) else schema["default"]) == value, name


def test_the_defaults_spelled_out_are_valid_settings():
    properties = spec()["components"]["schemas"]["SubscriptionSettings"]["properties"]
    validator = validator_at("/components/schemas/SubscriptionSettings")
    assert validator.is_valid({})
    assert validator.is_valid({name: schema["default"] for name, schema in properties.items()})


@pytest.mark.parametrize(
    ("settings", "valid"),
    [
        ({"allowed_sides": "long"}, False),
        ({"use_signal_quantity": "yes"}, False),
        ({"entry_order_type": "trailing_stop"}, False),
        ({"unknown_setting": True}, False),
        ({"sizing": {"method": "dollar_amount", "value": 1000}}, True),
        ({"sizing": {"method": "dollar_amount", "value": 0}}, False),
        ({"take_profit": {"percent": 10}}, True),
        ({"take_profit": {"percent": 10, "amount": 5}}, False),
        ({"take_profit": {}}, False),
        ({"stop_loss": {"type": "trailing_stop", "trail_amount": 1}}, True),
        ({"stop_loss": {"type": "trailing_stop", "amount": 1}}, False),
        ({"stop_loss": {"type": "stop", "trail_percent": 1}}, False),
        ({"stop_loss": {"type": "stop_limit", "stop_price": 10.71, "limit_price": 10.75}}, True),
        ({"stop_loss": {"limit_price": 10.75}}, False),
        ({"trading_windows": [{"timezone": "America/New_York", "start": "09:30", "end": "16:00"}]}, True),
        ({"trading_windows": [{"timezone": "America/New_York", "start": "9:30", "end": "16:00"}]}, False),
        ({"trading_windows": [{"timezone": "UTC", "start": "00:00", "end": "01:00", "days": [7]}]}, False),
        ({"broker": {"supports_quotes": False, "order_types": ["market", "limit"]}}, True),
        ({"broker": {"time_in_force": ["day", "week"]}}, False),
    ],
)
def test_settings_schema_accepts_and_refuses(settings, valid):
    assert validator_at("/components/schemas/SubscriptionSettings").is_valid(settings) is valid
