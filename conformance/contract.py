"""What every webhook response must be, whatever the scenario: documented JSON in the documented shape."""

from __future__ import annotations

from conformance.client import Exchange
from webhook_spec.openapi import documented_statuses, fast_response_validator, response_validator


def response_problems(exchange: Exchange) -> list[str]:
    """Every way the response breaks schema/openapi.yaml (empty when it conforms)."""
    method = exchange.method
    if exchange.status >= 500:
        return [f"status {exchange.status}: no input may cause a 5xx"]
    if exchange.status not in documented_statuses(method):
        return [f"status {exchange.status} is not documented for {method}"]
    if method == "HEAD":
        return []
    content_type = exchange.response_headers.get("Content-Type", "")
    if content_type.split(";")[0].strip() != "application/json":
        return [f"Content-Type {content_type!r} is not application/json"]
    try:
        body = exchange.json()
    except ValueError as error:
        return [f"the body is not strict JSON: {error}"]
    if _conforms(method, exchange.status, body):
        return []
    validator = response_validator(method, exchange.status)
    if validator is None:
        return []
    return [
        f"{'/'.join(map(str, e.absolute_path)) or 'body'}: {e.message}" for e in validator.iter_errors(body)
    ]


def _conforms(method: str, status: int, body: object) -> bool:
    """Whether jsonschema-rs finds `body` conforming (the verdict of `response_validator`, 100 times sooner);
    False when it cannot read the body (a lone surrogate, which Python's JSON reads from an escape)."""
    fast = fast_response_validator(method, status)
    try:
        return fast is None or fast.is_valid(body)
    except ValueError:
        return False
