"""The one validation function: raw bytes to a normalized signal or a catalogued error."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from jsonschema.exceptions import ValidationError

from webhook_spec.catalogue import error_code
from webhook_spec.normalize import normalize
from webhook_spec.openapi import escape_pointer
from webhook_spec.parsing import BodyError, parse_body
from webhook_spec.signal_schema import (
    CODE_KEYWORD,
    fast_signal_validator,
    resolve,
    signal_schema,
    signal_validator,
)


@dataclass(frozen=True)
class Signal:
    """An accepted signal: the document as parsed, and its normalized form."""

    document: dict[str, Any]
    normalized: dict[str, Any]


@dataclass(frozen=True)
class SignalError:
    """A rejected signal: the catalogue code, its message and status, and where it went wrong."""

    code: str
    message: str
    status: int
    pointer: str = ""
    detail: str = ""


def _error(code: str, pointer: str = "", detail: str = "") -> SignalError:
    entry = error_code(code)
    return SignalError(code=code, message=entry.message, status=entry.status, pointer=pointer, detail=detail)


@cache
def code_for_schema_path(path: tuple[str | int, ...]) -> str:
    """The deepest x-messageCode on the way from the root to the failing keyword."""
    node: Any = signal_schema()
    code = node[CODE_KEYWORD]
    for key in path:
        # jsonschema leaves "$ref" steps out of its paths, so follow them when the key is not here.
        if isinstance(node, dict) and key not in node:
            node = resolve(node)
            code = node.get(CODE_KEYWORD, code)
        node = node[key]
        if isinstance(node, dict):
            code = node.get(CODE_KEYWORD, code)
    return code


def _pointer(error: ValidationError) -> str:
    tokens = list(error.absolute_path)
    if error.validator in ("required", "dependentRequired") and isinstance(error.instance, dict):
        wanted = error.validator_value
        if error.validator == "dependentRequired":
            wanted = [name for names in wanted.values() for name in names]
        missing = [name for name in wanted if name not in error.instance]
        tokens.extend(missing[:1])
    return "".join(f"/{escape_pointer(str(token))}" for token in tokens)


class _ElidedArray(list):
    """An array whose items no rule looks at, emptied; its repr says so."""

    def __repr__(self) -> str:
        return "[...]"


class _ElidedObject(dict):
    """An object whose members no rule looks at, emptied; its repr says so."""

    def __repr__(self) -> str:
        return "{...}"


def checked_part(value: Any, schema: dict[str, Any]) -> Any:
    """The part of `value` the schema's rules look at; they find the same errors in it as in `value`.

    The schema defines no array and ignores unknown fields (tests/test_validation_cost.py holds it to
    that), so arrays are emptied, objects keep only their defined fields, and objects with none defined
    (extras) are emptied. The full validator then never spends time on the rest (D-052): messages of
    its errors print what they are about, and a 64 KiB array printed many times costs milliseconds.
    """
    properties = resolve(schema).get("properties")
    if isinstance(value, dict):
        if properties is None:
            return _ElidedObject() if value else value
        return {name: checked_part(value[name], field) for name, field in properties.items() if name in value}
    if isinstance(value, list):
        return _ElidedArray() if value else value
    return value


def _is_valid(document: Any) -> bool:
    try:
        return fast_signal_validator().is_valid(document)
    except (ValueError, OverflowError):  # a value jsonschema-rs cannot take: let the full validator judge
        return signal_validator().is_valid(checked_part(document, signal_schema()))


def _schema_error(document: Any) -> SignalError | None:
    if _is_valid(document):
        return None
    best: tuple[int, str, SignalError] | None = None
    for error in signal_validator().iter_errors(checked_part(document, signal_schema())):
        code = code_for_schema_path(tuple(error.absolute_schema_path))
        pointer = _pointer(error)
        rank = (error_code(code).precedence, pointer)
        if best is None or rank < best[:2]:
            best = (*rank, _error(code, pointer, error.message[:200]))
    return None if best is None else best[2]


def validate_document(document: Any) -> Signal | SignalError:
    """Check one parsed JSON value against the signal schema."""
    problem = _schema_error(document)
    if problem is not None:
        return problem
    return Signal(document=document, normalized=normalize(document))


def validate_body(raw: bytes) -> Signal | SignalError:
    """Check raw request bytes: empty-json, malformed-json, then the schema's rules."""
    try:
        document = parse_body(raw)
    except BodyError as error:
        return _error(error.code, detail=str(error))
    return validate_document(document)
