"""A forgiving lexer for alert templates: JSON tokens, the quotes people really type, comments, placeholders.

Placeholders (`{{name}}`) are atomic wherever they stand, since TradingView replaces them before
anything reads the text as JSON: `"{{plot("RSI")}}"` is one string.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Literal

PUNCTUATION = "{}[]:,"
SMART_DOUBLE = "\u201c\u201d\u201e\u201f\u2033"  # typographic double quotes, and the double prime
SMART_SINGLE = "\u2018\u2019\u201a\u201b"  # typographic single quotes
_WHITESPACE = " \t\r\n\ufeff\u00a0"
_PLACEHOLDER = re.compile(r"\{\{([^\n]*?)\}\}")
_BARE_STOP = set(PUNCTUATION) | set(_WHITESPACE) | set('"') | set(SMART_DOUBLE) | set(SMART_SINGLE) | {"'"}

TokenKind = Literal["punctuation", "string", "bare", "comment"]
Quote = Literal["double", "smart", "single"]


@dataclass(frozen=True)
class PlaceholderUse:
    """`{{name}}` at [start, end) of the template, inside a JSON string (quoted) or not."""

    name: str
    start: int
    end: int
    quoted: bool


@dataclass(frozen=True)
class Token:
    """A token at [start, end) of the template; strings know their quotes, all know their placeholders."""

    kind: TokenKind
    start: int
    end: int
    text: str
    quote: Quote | None = None
    closed: bool = True
    placeholders: tuple[PlaceholderUse, ...] = ()

    @property
    def value(self) -> str:
        """A string token's content, its escapes read as well as can be; other tokens' text."""
        if self.kind != "string":
            return self.text
        inner = self.text[1:-1] if self.closed else self.text[1:]
        if self.quote == "double":
            try:
                return json.loads(f'"{inner}"')
            except ValueError:
                return inner
        return inner.replace("\\'", "'")


def _placeholder_end(text: str, start: int) -> int | None:
    """Where the placeholder opened at `start` ends, or None when `{{` is not closed on its line."""
    match = _PLACEHOLDER.match(text, start)
    return None if match is None else match.end()


def _placeholders(text: str, start: int, end: int, quoted: bool) -> tuple[PlaceholderUse, ...]:
    return tuple(
        PlaceholderUse(match[1], match.start(), match.end(), quoted)
        for match in _PLACEHOLDER.finditer(text, start, end)
    )


def _string_end(text: str, start: int, closers: str) -> tuple[int, bool]:
    """The end of the string opened at `start`, closed by one of `closers`; whether it was closed."""
    index = start + 1
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == "{" and (end := _placeholder_end(text, index)) is not None:
            index = end
            continue
        if char in closers:
            return index + 1, True
        if char == "\n":
            return index, False
        index += 1
    return len(text), False


def _bare_end(text: str, start: int) -> int:
    index = start
    while index < len(text):
        if text.startswith("{{", index) and (end := _placeholder_end(text, index)) is not None:
            index = end
            continue
        if text[index] in _BARE_STOP or text.startswith(("//", "/*"), index):
            break
        index += 1
    return max(index, start + 1)


def _string(text: str, start: int) -> Token:
    opener = text[start]
    if opener == '"':
        quote: Quote = "double"
        closers = '"'
    elif opener in SMART_DOUBLE:
        quote, closers = "smart", '"' + SMART_DOUBLE
    else:
        quote, closers = "single", "'" + SMART_SINGLE
    end, closed = _string_end(text, start, closers)
    inner_end = end - 1 if closed else end
    uses = _placeholders(text, start + 1, inner_end, quoted=True)
    return Token("string", start, end, text[start:end], quote, closed, uses)


def tokens(text: str) -> list[Token]:
    """Every token of `text`, comments included, in order; white space is skipped."""
    found: list[Token] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char in _WHITESPACE:
            index += 1
            continue
        if char in PUNCTUATION and not (char == "{" and _placeholder_end(text, index) is not None):
            token = Token("punctuation", index, index + 1, char)
        elif char == '"' or char in SMART_DOUBLE or char == "'" or char in SMART_SINGLE:
            token = _string(text, index)
        elif text.startswith("//", index):
            end = text.find("\n", index)
            end = len(text) if end == -1 else end
            token = Token("comment", index, end, text[index:end])
        elif text.startswith("/*", index):
            end = text.find("*/", index + 2)
            end = len(text) if end == -1 else end + 2
            token = Token("comment", index, end, text[index:end])
        else:
            end = _bare_end(text, index)
            token = Token(
                "bare", index, end, text[index:end], placeholders=_placeholders(text, index, end, False)
            )
        found.append(token)
        index = token.end
    return found


def placeholder_uses(found: list[Token]) -> list[PlaceholderUse]:
    """Every placeholder of the template, in order (those inside comments left out)."""
    return [use for token in found if token.kind != "comment" for use in token.placeholders]
