"""The signal JSON Schema, loaded and compiled once per process."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from functools import cache
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from webhook_spec.paths import schema_file

CODE_KEYWORD = "x-messageCode"
# Possessive: the fraction's digits are never given back, so a long fraction fails in one pass (D-052).
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d++)?([Zz]|[+-]\d{2}:\d{2})$", re.ASCII)


@cache
def signal_schema() -> dict[str, Any]:
    """The parsed schema/signal.schema.json."""
    return json.loads(schema_file("signal.schema.json").read_text(encoding="utf-8"))


@cache
def _resolver():
    schema = signal_schema()
    resource = Resource(contents=schema, specification=DRAFT202012)
    return Registry().with_resource(schema["$id"], resource).resolver(base_uri=schema["$id"])


@cache
def _lookup(ref: str) -> Any:
    return _resolver().lookup(ref).contents


def resolve(node: Any) -> Any:
    """Follow `node`'s $ref chain (local references only) to the schema it names."""
    while isinstance(node, dict) and "$ref" in node:
        node = _lookup(node["$ref"])
    return node


@cache
def _relative_pattern(field: str) -> re.Pattern[str]:
    """The pattern of `field`'s relative expressions (`+N unit`, D-017), as the schema writes it."""
    branches = resolve(signal_schema()["properties"][field])["anyOf"]
    (pattern,) = (b["pattern"] for b in branches if b.get("pattern", "").startswith("^\\+"))
    return re.compile(pattern, re.ASCII)


def relative_time(field: str, text: str) -> tuple[int, str] | None:
    """`text`, a relative expression of `field` (expiresAt, expiration) such as `+5 minutes`, as
    (5, "minute"); None when it is not one. The schema's pattern is the grammar: its one group is the unit."""
    match = _relative_pattern(field).match(text)
    if match is None:
        return None
    return int(text[1 : match.start(1)]), match[1]


def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _RFC3339.match(value):
        return False
    try:
        datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


# The two formats the schema relies on, asserted with no optional dependencies, by either engine.
FORMAT_CHECKS = {"date": _is_date, "date-time": _is_date_time}


def format_checker() -> FormatChecker:
    """Assert FORMAT_CHECKS in the jsonschema validator."""
    checker = FormatChecker(formats=())
    for name, check in FORMAT_CHECKS.items():
        checker.checks(name)(check)
    return checker


@cache
def signal_validator() -> Draft202012Validator:
    """The compiled validator for the signal schema (format assertion on): finds every failing rule."""
    return Draft202012Validator(signal_schema(), format_checker=format_checker())


@cache
def fast_signal_validator() -> jsonschema_rs.Draft202012Validator:
    """The same schema compiled by jsonschema-rs, with the same format checks: says only valid or not.

    About 150 times faster than `signal_validator` on a valid signal (2 µs against 300 µs), so the
    accept path never pays for the error search; tests/test_validation_engines.py holds the two to
    the same verdict.
    """
    return jsonschema_rs.Draft202012Validator(signal_schema(), validate_formats=True, formats=FORMAT_CHECKS)
