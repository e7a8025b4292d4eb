"""A forgiving lexer for alert templates: JSON tokens, the quotes people really type, comments, placeholders.

Placeholders (`{{name}}`) are atomic wherever they stand, since TradingView replaces them before
anything reads the text as JSON: `"{{plot("RSI")}}"` is one string.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

PUNCTUATION = "{}[]:,"
SMART_DOUBLE = "\u201c\u201d\u201e\u201f\u2033"  # typographic double quotes, and the double prime
SMART_SINGLE = "\u2018\u2019\u201a\u201b"  # typographic single quotes
_WHITESPACE = " \t\r\n\ufeff\u00a0"
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


class _Closings:
    """Where each `{{` of a text closes: the first `}}` after it on its line. Looked up by bisection, so a
    text of many unclosed `{{` costs linear time, not quadratic."""

    def __init__(self, text: str) -> None:
        self.closings = [match.start() for match in re.finditer(r"(?=\}\})", text)]
        self.newlines = [match.start() for match in re.finditer("\n", text)]

    def end(self, start: int) -> int | None:
        """The end of the placeholder whose `{{` is at `start`, or None when it is not closed on its line."""
        after = start + 2
        closing = bisect.bisect_left(self.closings, after)
        if closing == len(self.closings):
            return None
        newline = bisect.bisect_left(self.newlines, after)
        if newline < len(self.newlines) and self.newlines[newline] < self.closings[closing]:
            return None
        return self.closings[closing] + 2


def placeholder_spans(
    text: str, start: int = 0, end: int | None = None, closings: _Closings | None = None
) -> Iterator[tuple[int, int]]:
    """(start, end) of every placeholder `{{name}}` within [start, end) of `text`, left to right."""
    end = len(text) if end is None else end
    closings = closings or _Closings(text)
    position = text.find("{{", start, end)
    while position != -1:
        close = closings.end(position)
        if close is not None and close <= end:
            yield position, close
            position = text.find("{{", close, end)
        else:
            position = text.find("{{", position + 1, end)


class _Lexer:
    """One pass over a template's text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.closings = _Closings(text)

    def placeholder_end(self, start: int) -> int | None:
        """The end of the placeholder opened at `start`, or None when none is."""
        return self.closings.end(start) if self.text.startswith("{{", start) else None

    def uses(self, start: int, end: int, quoted: bool) -> tuple[PlaceholderUse, ...]:
        return tuple(
            PlaceholderUse(self.text[first + 2 : last - 2], first, last, quoted)
            for first, last in placeholder_spans(self.text, start, end, self.closings)
        )

    def string_end(self, start: int, closers: str) -> tuple[int, bool]:
        """The end of the string opened at `start`, closed by one of `closers`; whether it was closed."""
        text, index = self.text, start + 1
        while index < len(text):
            char = text[index]
            if char == "\\":
                index += 2
                continue
            if char == "{" and (end := self.placeholder_end(index)) is not None:
                index = end
                continue
            if char in closers or (char in SMART_DOUBLE and closers == '"' and self.ends_a_string(index + 1)):
                return index + 1, True
            if char == "\n":
                return index, False
            index += 1
        return len(text), False

    def ends_a_string(self, index: int) -> bool:
        """Whether a typographic quote before `index`, inside a straight-quoted string, is rather its end
        (an editor changed one quote of two): what follows is `:`, or `,` `}` `]` or the line's end before
        the next string, bracket or the text's end. Inside text (`"RSI “low”, buy"`) it is not."""
        text = self.text
        after = len(text) - len(text[index:].lstrip(" \t"))
        if after == len(text) or text[after] in ":}]\r\n":
            return True
        if text[after] != ",":
            return False
        following = text[after + 1 :].lstrip()
        return not following or following[0] in '"}]' + SMART_DOUBLE

    def bare_end(self, start: int) -> int:
        text, index = self.text, start
        while index < len(text):
            if (end := self.placeholder_end(index)) is not None:
                index = end
                continue
            if text[index] in _BARE_STOP or text.startswith(("//", "/*"), index):
                break
            index += 1
        return max(index, start + 1)

    def string(self, start: int) -> Token:
        opener = self.text[start]
        if opener == '"':
            quote: Quote = "double"
            closers = '"'
        elif opener in SMART_DOUBLE:
            quote, closers = "smart", '"' + SMART_DOUBLE
        else:
            quote, closers = "single", "'" + SMART_SINGLE
        end, closed = self.string_end(start, closers)
        if closed and self.text[end - 1] in SMART_DOUBLE:
            quote = "smart"
        inner_end = end - 1 if closed else end
        uses = self.uses(start + 1, inner_end, quoted=True)
        return Token("string", start, end, self.text[start:end], quote, closed, uses)

    def token(self, index: int) -> Token:
        """The token that starts at `index`, not white space."""
        text, char = self.text, self.text[index]
        if char in PUNCTUATION and self.placeholder_end(index) is None:
            return Token("punctuation", index, index + 1, char)
        if char == '"' or char in SMART_DOUBLE or char == "'" or char in SMART_SINGLE:
            return self.string(index)
        if text.startswith("//", index):
            end = text.find("\n", index)
            end = len(text) if end == -1 else end - (text[end - 1] == "\r")  # a CRLF line keeps its CR
            return Token("comment", index, end, text[index:end])
        if text.startswith("/*", index):
            end = text.find("*/", index + 2)
            end = len(text) if end == -1 else end + 2
            return Token("comment", index, end, text[index:end])
        end = self.bare_end(index)
        return Token("bare", index, end, text[index:end], placeholders=self.uses(index, end, False))


def tokens(text: str) -> list[Token]:
    """Every token of `text`, comments included, in order; white space is skipped."""
    lexer = _Lexer(text)
    found: list[Token] = []
    index = 0
    while index < len(text):
        if text[index] in _WHITESPACE:
            index += 1
            continue
        found.append(lexer.token(index))
        index = found[-1].end
    return found


def placeholder_uses(found: list[Token]) -> list[PlaceholderUse]:
    """Every placeholder of the template, in order (those inside comments left out)."""
    return [use for token in found if token.kind != "comment" for use in token.placeholders]
