"""Bodies at the limits a gateway must survive: deep nesting, the longest strings, numbers at the edges of
the double range, every byte value in a string (pure functions; the steps send them)."""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from webhook_spec.docs import fields
from webhook_spec.signal_schema import resolve

BODY_LIMIT = 64 * 1024  # the largest body a gateway reads (REQ-BODY-10, DECISIONS D-010)
SIGNAL = (("ticker", b'"AMD"'), ("action", b'"buy"'))  # the fields of a signal every stocks webhook accepts

# Where a nesting goes: the text before it, one level's opening and closing, the innermost value, the
# text after it.
NESTINGS = {
    "arrays inside extras": (b'{"ticker": "AMD", "action": "buy", "extras": {"a": ', b"[", b"]", b"", b"}}"),
    "objects inside extras": (b'{"ticker": "AMD", "action": "buy", "extras": ', b'{"a": ', b"}", b"1", b"}"),
    "arrays at the top level": (b"", b"[", b"]", b"", b""),
    "objects at the top level": (b"", b'{"a": ', b"}", b"1", b""),
    "arrays in the ticker": (b'{"ticker": ', b"[", b"]", b"", b', "action": "buy"}'),
    "objects in takeProfit": (
        b'{"ticker": "AMD", "action": "buy", "takeProfit": ',
        b'{"a": ',
        b"}",
        b"1",
        b"}",
    ),
}
AS_DEEP_AS_FITS = "as deep as 64 KiB allows"

# `(X*N)` in a value template stands for X repeated N times; `(X*fill)` for X repeated as often as fits.
_REPEAT = re.compile(rb"\((.+?)\*(\d+|fill)\)")
_FILL = b"fill"
EXTRAS_KEY, SIGNAL_KEY = "a key in extras", "a key of the signal"
# Text before the byte or escape under test, so that the string is otherwise valid for its field.
_STRING_LEADS = {"message": b"a message of 25 characters: ", "ticker": b"AM"}
LONE_SURROGATES = (0xD800, 0xDBFF, 0xDC00, 0xDFFF)


def nested_body(where: str, depth: int | None) -> bytes:
    """A body with `depth` arrays or objects nested at `where` (NESTINGS); None: as deep as fits."""
    if where not in NESTINGS:
        raise ValueError(f"unknown nesting place {where!r}; one of {', '.join(NESTINGS)}")
    before, opening, closing, inner, after = NESTINGS[where]
    if depth is None:
        depth = (BODY_LIMIT - len(before) - len(inner) - len(after)) // (len(opening) + len(closing))
    return before + opening * depth + inner + closing * depth + after


def _place(field: str, value: bytes) -> bytes:
    """The ticker-and-action signal with `value` (JSON text) at `field`: a field name, a dotted
    `parent.child`, EXTRAS_KEY or SIGNAL_KEY (then `value` is a key, its value 1)."""
    if field == EXTRAS_KEY:
        field, value = "extras", b"{" + value + b": 1}"
    if field == SIGNAL_KEY:
        members = [*SIGNAL, (None, value + b": 1")]
    else:
        name, _, child = field.partition(".")
        if child:
            value = b'{"' + child.encode() + b'": ' + value + b"}"
        members = [member for member in SIGNAL if member[0] != name] + [(name, value)]
    text = [value if key is None else b'"' + key.encode() + b'": ' + value for key, value in members]
    return b"{" + b", ".join(text) + b"}"


def signal_with(field: str, template: bytes) -> bytes:
    """The signal with `template` (JSON text with repeats, see _REPEAT) at `field` (see _place).

    A `(X*fill)` repeat (at most one) fills the body up to BODY_LIMIT bytes.
    """
    fills = [match for match in _REPEAT.finditer(template) if match.group(2) == _FILL]
    if len(fills) > 1:
        raise ValueError("a value template may fill the body once")

    def expand(count_of_fill: int) -> bytes:
        def repeat(match: re.Match) -> bytes:
            count = count_of_fill if match.group(2) == _FILL else int(match.group(2))
            return match.group(1) * count

        return _REPEAT.sub(repeat, template)

    if not fills:
        return _place(field, expand(0))
    room = BODY_LIMIT - len(_place(field, expand(0)))
    return _place(field, expand(room // len(fills[0].group(1))))


def _types(node: object) -> set[str]:
    node = resolve(node)
    if not isinstance(node, dict):
        return set()
    declared = node.get("type", [])
    found = set(declared if isinstance(declared, list) else [declared])
    for keyword in ("anyOf", "oneOf", "allOf"):
        for sub in node.get(keyword, []):
            found |= _types(sub)
    return found


@cache
def numeric_fields() -> tuple[str, ...]:
    """Every signal field that takes a JSON number, as a dotted name, in schema order."""
    return tuple(name for name, node, _ in fields() if _types(node) & {"number", "integer"})


def json_forbids_raw(byte: int) -> bool:
    """Whether this byte, alone and unescaped inside a JSON string, makes the text malformed: a control
    character, the quote, the backslash (no valid escape follows), or a byte that is not UTF-8 alone."""
    return byte < 0x20 or byte in (0x22, 0x5C) or byte >= 0x80


@dataclass(frozen=True)
class StringProbe:
    """A body with one byte or escape inside a string at `field`, and what a JSON parser reads there."""

    label: str
    field: str
    body: bytes
    read_as: str | None  # the string JSON reads; None when JSON forbids the text
    lone_surrogate: bool = False  # JSON's grammar allows the escape, but it names no character (D-069)


def _string_template(field: str, inside: bytes) -> bytes:
    return b'"' + _STRING_LEADS.get(field, b"x") + inside + b'"'


def raw_byte_probes(field: str) -> Iterator[StringProbe]:
    """Each byte 0x00 to 0xFF, raw, inside a string at `field`."""
    lead = _STRING_LEADS.get(field, b"x").decode()
    for byte in range(256):
        read_as = None if json_forbids_raw(byte) else lead + chr(byte)
        body = _place(field, _string_template(field, bytes([byte])))
        yield StringProbe(f"raw byte {byte:02x}", field, body, read_as)


def escape_probes(field: str) -> Iterator[StringProbe]:
    """Each escape \\u0000 to \\u00ff, and of a lone surrogate, inside a string at `field`."""
    lead = _STRING_LEADS.get(field, b"x").decode()
    for code in (*range(256), *LONE_SURROGATES):
        escape = b"\\u%04x" % code
        body = _place(field, _string_template(field, escape))
        yield StringProbe(f"escape {escape.decode()}", field, body, lead + chr(code), code in LONE_SURROGATES)


# The content codings the kit sends (REQ-TRANSPORT-04): "deflate" is the zlib format, as RFC 9110 names it.
_COMPRESSORS = {"gzip": gzip.compress, "deflate": zlib.compress}


def compressed(body: bytes, coding: str) -> bytes:
    """`body` compressed with the content coding `coding` (gzip or deflate)."""
    if coding not in _COMPRESSORS:
        raise ValueError(f"the kit compresses with {' or '.join(_COMPRESSORS)}, not {coding!r}")
    return _COMPRESSORS[coding](body)
