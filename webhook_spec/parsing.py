"""Raw request bytes to one JSON value, or the body error code that explains why not."""

from __future__ import annotations

import json
import math
from typing import Any

_BOM = b"\xef\xbb\xbf"
_JSON_WHITESPACE = " \t\n\r"
_DOUBLE_MAX = 1.7976931348623157e308


class BodyError(ValueError):
    """The body is not usable JSON; `code` is empty-json or malformed-json."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # A repeated key is ambiguous ("action": "buy", "action": "sell"); see DECISIONS D-003.
    document = dict(pairs)
    if len(document) != len(pairs):
        seen: set[str] = set()
        duplicate = next(key for key, _ in pairs if key in seen or seen.add(key))
        raise BodyError("malformed-json", f"duplicate key {duplicate!r}")
    return document


def _reject_constant(name: str) -> Any:
    raise BodyError("malformed-json", f"{name} is not JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise BodyError("malformed-json", f"number {text[:40]} is beyond the double range")
    return value


def _bounded_int(text: str) -> int:
    value = int(text)
    if abs(value) > _DOUBLE_MAX:
        raise BodyError("malformed-json", "integer is beyond the double range")
    return value


def parse_body(raw: bytes) -> Any:
    """Decode `raw` as one UTF-8 JSON text; raise BodyError when it is not one."""
    if raw.startswith(_BOM):
        raw = raw[len(_BOM) :]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BodyError("malformed-json", f"body is not UTF-8 at byte {error.start}") from None
    if not text.strip(_JSON_WHITESPACE):
        raise BodyError("empty-json", "body is empty")
    try:
        return json.loads(
            text,
            object_pairs_hook=_reject_duplicate_keys,
            parse_constant=_reject_constant,
            parse_float=_finite_float,
            parse_int=_bounded_int,
        )
    except BodyError:
        raise
    except RecursionError:
        raise BodyError("malformed-json", "JSON is nested too deeply") from None
    except ValueError as error:
        raise BodyError("malformed-json", str(error)) from None
