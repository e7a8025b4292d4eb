"""The one validation function: raw bytes to a normalized signal or a catalogued error."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any, NamedTuple

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
    """A rejected signal: the catalogue code, its message and status, and where it went wrong.

    `pointer` is the JSON Pointer (RFC 6901) of the field at fault, "" for the body as a whole; None
    when no field is, the body not being JSON (D-070). `detail` says what is wrong in one sentence.
    """

    code: str
    message: str
    status: int
    pointer: str | None = None
    detail: str = ""


def _error(code: str, pointer: str | None = None, detail: str = "") -> SignalError:
    entry = error_code(code)
    return SignalError(code=code, message=entry.message, status=entry.status, pointer=pointer, detail=detail)


def _step(node: Any, key: str | int) -> Any:
    # jsonschema leaves "$ref" steps out of its paths, so follow them when the key is not here.
    return node[key] if not isinstance(node, dict) or key in node else resolve(node)[key]


@cache
def code_for_schema_path(path: tuple[str | int, ...]) -> str:
    """The deepest x-messageCode on the way from the root to the failing keyword."""
    node: Any = signal_schema()
    code = node[CODE_KEYWORD]
    for key in path:
        if isinstance(node, dict) and key not in node:
            code = resolve(node).get(CODE_KEYWORD, code)
        node = _step(node, key)
        if isinstance(node, dict):
            code = node.get(CODE_KEYWORD, code)
    return code


@cache
def _required_order(path: tuple[str | int, ...]) -> tuple[str, ...]:
    """The names a `required` or `dependentRequired` keyword asks for, in its order."""
    node: Any = signal_schema()
    for key in path:
        node = _step(node, key)
    return tuple(node) if path[-1] == "required" else tuple(name for names in node.values() for name in names)


class _Fault(NamedTuple):
    """A failing keyword as either validator reports it: its schema path, the names from the body to
    the field at fault (for a missing field, its own name last), the keyword, its value when it is a
    single `type`, and the value that failed."""

    schema_path: tuple[str | int, ...]
    tokens: list[str]
    keyword: str
    type_name: str | None
    instance: Any


def _full_fault(error: ValidationError) -> _Fault:
    tokens = [str(token) for token in error.absolute_path]
    if error.validator in ("required", "dependentRequired") and isinstance(error.instance, dict):
        wanted = error.validator_value
        if error.validator == "dependentRequired":
            wanted = [name for names in wanted.values() for name in names]
        missing = [name for name in wanted if name not in error.instance]
        tokens.extend(missing[:1])
    value = error.validator_value
    type_name = value if error.validator == "type" and isinstance(value, str) else None
    path = tuple(error.absolute_schema_path)
    return _Fault(path, tokens, str(error.validator), type_name, error.instance)


def _fast_faults(document: Any) -> list[_Fault]:
    """jsonschema-rs's errors as jsonschema reports them.

    jsonschema's schema path is jsonschema-rs's evaluation path without its "$ref" steps. Where
    jsonschema reports one error per `required` keyword, pointing at the first missing name in the
    keyword's order, jsonschema-rs reports one per missing name: only that first one is kept.
    """
    faults: dict[tuple, tuple[int, _Fault]] = {}  # per keyword and instance path: the first missing name
    for error in fast_signal_validator().iter_errors(document):
        path = tuple(token for token in error.evaluation_path if token != "$ref")
        tokens = [str(token) for token in error.instance_path]
        kind = error.kind
        order = 0
        if kind.name == "required":
            order = _required_order(path).index(kind.property)
            tokens.append(kind.property)
        types = kind.types if kind.name == "type" else []
        fault = _Fault(path, tokens, str(path[-1]), types[0] if len(types) == 1 else None, error.instance)
        key = (path, *error.instance_path)
        if key not in faults or order < faults[key][0]:
            faults[key] = (order, fault)
    return [fault for _, fault in faults.values()]


def _is_missing(fault: _Fault) -> bool:
    return fault.keyword in ("required", "dependentRequired") and isinstance(fault.instance, dict)


def _pointer(tokens: list[str]) -> str:
    return "".join(f"/{escape_pointer(token)}" for token in tokens)


_PLACEHOLDER = re.compile(r"\{\{[^{}]*\}\}")  # a TradingView placeholder such as {{close}}
_JSON_KINDS = {
    dict: "an object",
    list: "an array",
    str: "a string",
    bool: "true or false",
    type(None): "null",
}
_TYPE_WORDS = {
    "boolean": "true or false",
    "string": "a string",
    "object": "a JSON object",
    "integer": "an integer",
}


def json_kind(value: Any) -> str:
    """What a parsed JSON value is, in words: an object, an array, a string, true or false, null, a number."""
    return next((word for kind, word in _JSON_KINDS.items() if isinstance(value, kind)), "a number")


def _shown(value: Any) -> str:
    """A scalar as JSON writes it, cut to 40 characters; an object or array by its kind."""
    if isinstance(value, dict | list):
        return json_kind(value)
    text = json.dumps(value[:40] if isinstance(value, str) else value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:39] + "…"


def _field_schema(tokens: list[str]) -> dict[str, Any]:
    """The signal schema's node for the field at `tokens` (checked_part keeps defined fields only)."""
    node: Any = signal_schema()
    for token in tokens:
        node = resolve(node).get("properties", {}).get(token, {})
    return node


def _expected(field: dict[str, Any], fault: _Fault) -> str:
    """What the field must be, in words, where the schema says it: its enum, type or shared definition."""
    target = resolve(field)
    if "enum" in target:
        return "one of " + ", ".join(map(str, target["enum"]))
    if fault.type_name in _TYPE_WORDS:
        return _TYPE_WORDS[fault.type_name]
    if "$ref" in field and "description" in target:
        return target["description"][0].lower() + target["description"][1:].rstrip(".")
    return ""


def _detail(fault: _Fault) -> str:
    """One sentence that names the field at fault and what is wrong with it."""
    tokens = fault.tokens
    label = ".".join(tokens)
    if _is_missing(fault):
        return f"The {label} field is missing."
    if not tokens and not isinstance(fault.instance, dict):
        return f"The body is {json_kind(fault.instance)}, not a JSON object."
    field = _field_schema(tokens)
    if isinstance(fault.instance, dict) and "properties" in resolve(field):
        return f"The fields of {label or 'the signal'} do not go together."
    sentence = f"The {label} field is invalid: {_shown(fault.instance)}"
    if isinstance(fault.instance, str) and _PLACEHOLDER.search(fault.instance):
        sentence += " holds a placeholder that was not replaced by its value"
    expected = _expected(field, fault)
    return f"{sentence}. It must be {expected}." if expected else f"{sentence}."


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


def _best(faults: Iterable[_Fault]) -> SignalError | None:
    """The error of the highest precedence; of those, the one with the smallest pointer."""
    best: tuple[int, str, str, _Fault] | None = None
    for fault in faults:
        code = code_for_schema_path(fault.schema_path)
        rank = (error_code(code).precedence, _pointer(fault.tokens))
        if best is None or rank < best[:2]:
            best = (*rank, code, fault)
    if best is None:
        return None
    _, pointer, code, fault = best
    return _error(code, pointer, _detail(fault))


def full_schema_error(document: Any) -> SignalError | None:
    """The error jsonschema finds; the oracle of fast_schema_error, and its fallback."""
    return _best(map(_full_fault, signal_validator().iter_errors(checked_part(document, signal_schema()))))


def fast_schema_error(document: Any) -> SignalError | None:
    """The same error as full_schema_error, from jsonschema-rs (a fraction of the time)."""
    return _best(_fast_faults(document))


def _schema_error(document: Any) -> SignalError | None:
    try:
        return None if fast_signal_validator().is_valid(document) else fast_schema_error(document)
    except (ValueError, OverflowError):  # a value jsonschema-rs cannot take: let the full validator judge
        return full_schema_error(document)


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
