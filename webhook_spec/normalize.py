"""Turn a schema-valid document into the normalized signal the gateway acts on."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from webhook_spec.signal_schema import resolve, signal_schema

_INTEGER_DEFS = {"#/$defs/positiveInteger", "#/$defs/nonNegativeInteger"}
_NUMBER_DEFS = {"#/$defs/positiveNumber", "#/$defs/nonNegativeNumber"}


def canonical_decimal(value: Decimal) -> Decimal:
    """The number without trailing zeros or exponent: strike 68 or 582.5, quantity 10 or 2.5."""
    integral = value.to_integral_value()
    return integral.quantize(Decimal(1)) if value == integral else value.normalize()


def _number(value: Any, integer: bool) -> int | float:
    if isinstance(value, str):
        value = float(value) if "." in value else int(value)
    return int(value) if integer else value


def _normalize_value(schema: dict[str, Any], value: Any) -> Any:
    ref = schema.get("$ref")
    if ref in _NUMBER_DEFS or ref in _INTEGER_DEFS:
        return _number(value, integer=ref in _INTEGER_DEFS)
    target = resolve(schema)
    if "properties" in target and isinstance(value, dict):
        return _normalize_object(target, value)
    return target.get("x-aliases", {}).get(value, value) if isinstance(value, str) else value


def _normalize_object(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    properties = schema["properties"]
    result: dict[str, Any] = {}
    for name, field in properties.items():
        if name not in document:
            continue
        canonical = field.get("x-aliasOf", name)
        if canonical != name and canonical in document:
            continue  # the canonical name wins over its alias (DECISIONS D-004)
        result[canonical] = _normalize_value(field, document[name])
    return result


def normalize_ticker(ticker: str) -> str:
    """A ticker as the gateway compares it: trimmed and upper-cased."""
    return ticker.strip().upper()


def normalize(document: dict[str, Any]) -> dict[str, Any]:
    """Known fields only, aliases replaced, numeric strings as numbers, ticker trimmed and upper-cased."""
    signal = _normalize_object(signal_schema(), document)
    signal["ticker"] = normalize_ticker(signal["ticker"])
    return signal
