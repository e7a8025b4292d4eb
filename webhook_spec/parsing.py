"""Raw request bytes to one JSON value, or the body error code that explains why not."""

from __future__ import annotations

import json
import re
from math import isfinite
from typing import Any

MAX_DEPTH = 64  # objects and arrays nested in one body, the outermost counted (DECISIONS D-051)

_BOM = b"\xef\xbb\xbf"
_JSON_WHITESPACE = " \t\n\r"
_DOUBLE_MAX = 1.7976931348623157e308
_TOO_DEEP = f"JSON is nested deeper than {MAX_DEPTH} levels"
# A JSON string literal, escapes included; each character is matched one way only, so it runs in linear time.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
# An integer beyond the double range has at least 309 digits (10**308 < 1.8e308 < 10**309): with every
# digit mapped to 0, a bytes search for 309 zeros finds the candidates at C speed.
_ZERO_DIGITS = bytes.maketrans(b"123456789", b"000000000")
_LONG_RUN = b"0" * 309
# A run of digits that is an integer token (not a fraction or an exponent), matched at the run's start.
_INTEGER = re.compile(r"(?<![.eE+])(?<![eE]-)[0-9]+(?![0-9.eE])")
_DIGITS = re.compile(r"[0-9]*")


class BodyError(ValueError):
    """The body is not usable JSON; `code` is empty-json or malformed-json."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code


def _reject_constant(name: str) -> Any:
    raise BodyError("malformed-json", f"{name} is not JSON")


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)  # json.loads with an option makes one per call


def _measure(document: Any) -> tuple[int, int, bool]:
    """Nesting depth (counted up to MAX_DEPTH + 1), number of object keys, whether a float is infinite.

    Level by level, without recursion, so its cost is one step per value, whatever the nesting.
    """
    depth, keys, infinite = 0, 0, False
    level = [document]
    while level and depth <= MAX_DEPTH:
        inner: list[Any] = []
        nested = False
        for value in level:
            kind = type(value)
            if kind is list:
                nested = True
                inner += value
            elif kind is dict:
                nested = True
                if value:
                    keys += len(value)
                    inner += value.values()
            elif kind is float and not isfinite(value):
                infinite = True
        depth += nested
        level = inner
    return depth, keys, infinite


def _has_long_integer(bare: str) -> bool:
    """Whether `bare`, JSON text with its string literals emptied, has an integer beyond the double range."""
    digits = bare.encode("ascii").translate(_ZERO_DIGITS)  # only ASCII is left outside string literals
    start = digits.find(_LONG_RUN)
    while start != -1:
        integer = _INTEGER.match(bare, start)
        if integer is not None and abs(int(integer.group())) > _DOUBLE_MAX:
            return True
        start = digits.find(_LONG_RUN, _DIGITS.match(bare, start).end())
    return False


def _check_values(raw: bytes, text: str, document: Any) -> None:
    """Raise BodyError for what json.loads lets through: deep nesting, repeated keys, numbers past a double.

    Each check is one walk of the parsed values or a few passes over the text at C speed (D-051,
    D-052). Outside string literals every ':' separates one key from its value, so fewer parsed keys
    than such ':'s means a key was repeated (json.loads keeps the last one).
    """
    depth, keys, infinite = _measure(document)
    if depth > MAX_DEPTH:
        raise BodyError("malformed-json", _TOO_DEEP)
    if infinite:
        raise BodyError("malformed-json", "a number is beyond the double range")
    if text.count(":") == keys and _LONG_RUN not in raw.translate(_ZERO_DIGITS):
        return  # the common case: no ':' in string literals, no run of 309 digits
    bare = _STRING.sub('""', text)
    if bare.count(":") != keys:
        raise BodyError("malformed-json", "a key is repeated in one object")
    if _has_long_integer(bare):
        raise BodyError("malformed-json", "an integer is beyond the double range")


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
        document = _DECODER.decode(text)
    except BodyError:
        raise
    except RecursionError:  # deeper than the interpreter's stack allows, so past MAX_DEPTH too
        raise BodyError("malformed-json", _TOO_DEEP) from None
    except ValueError as error:  # a syntax error, or an integer past int()'s 4300 digits
        raise BodyError("malformed-json", str(error)) from None
    _check_values(raw, text, document)
    return document
