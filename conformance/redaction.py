"""Keeps the secrets the kit knows (webhook passwords, control token) out of all it prints or writes.

One Redactor per run knows every secret; it rewrites text, report data and pytest reports, and wraps the
console streams. Webhook paths are redacted even when their password is not known to it.
"""

from __future__ import annotations

import html
import io
import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO
from urllib.parse import quote

import pytest

from webhook_spec.openapi import WEBHOOK_PREFIX

PASSWORD_MARKER = "<password>"
TOKEN_MARKER = "<control-token>"
SHELL_PASSWORD = "$PASSWORD"  # a curl command's stand-in for a password: left as it is, the shell expands it
_SEGMENT = r"[^/\s'\"<>?#\\]+"
_WEBHOOK_PATH = re.compile(
    rf"({re.escape(WEBHOOK_PREFIX)}/*{_SEGMENT}/+)(?!{re.escape(SHELL_PASSWORD)}\b){_SEGMENT}"
)


def redact_webhook_paths(text: str) -> str:
    """`text` with the password segment of every webhook path (`/trading/webhook/UUID/PASSWORD`) replaced."""
    return _WEBHOOK_PATH.sub(rf"\g<1>{PASSWORD_MARKER}", text)


def _spellings(secret: str) -> set[str]:
    """The ways `secret` shows up in text: as is, in a repr, in JSON, percent-encoded, HTML-escaped."""
    return {
        secret,
        repr(secret)[1:-1],
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        quote(secret, safe=""),
        quote(secret),
        html.escape(secret),
        html.escape(secret, quote=False),
    }


class Redactor:
    """Replaces every known secret, in any of its spellings, with a fixed marker."""

    def __init__(self) -> None:
        # Markers match themselves, so text already redacted is never redacted again inside a marker.
        self._markers = {PASSWORD_MARKER: PASSWORD_MARKER, TOKEN_MARKER: TOKEN_MARKER}
        self._compiled: re.Pattern[str] | None = None

    @property
    def _pattern(self) -> re.Pattern[str]:
        """Every spelling, longest first; compiled when next needed after a secret was added (a run adds
        hundreds, from webhooks the scenarios create: compiling at each add took half a second in all)."""
        if self._compiled is None:
            longest_first = sorted(self._markers, key=len, reverse=True)
            self._compiled = re.compile("|".join(map(re.escape, longest_first)))
        return self._compiled

    def add(self, secret: str | None, marker: str = PASSWORD_MARKER) -> None:
        """Treat `secret` as secret from now on (None and empty strings are ignored)."""
        if not secret:
            return
        for spelling in _spellings(secret):
            if spelling not in self._markers:
                self._markers[spelling] = marker
                self._compiled = None

    def add_target(self, target) -> None:
        """Every password of the target's webhooks, and its control token."""
        for webhooks in target.webhooks.values():
            for webhook in webhooks:
                self.add(webhook.password)
        self.add(target.control_token, TOKEN_MARKER)

    def text(self, text: str) -> str:
        """`text` with every secret and every webhook path's password replaced by its marker."""
        return redact_webhook_paths(self._pattern.sub(lambda match: self._markers[match.group()], text))

    def data(self, value: Any) -> Any:
        """A copy of JSON-like data (dicts, lists, tuples, strings) with every string redacted."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.data(key): self.data(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(self.data(item) for item in value)
        return value

    def report(self, config: pytest.Config, report: pytest.TestReport) -> pytest.TestReport:
        """A copy of a pytest report with every string redacted: traceback, crash message, captured output.

        A report without a traceback or captured output is returned as it is: it holds only the kit's
        own names and ids, and the user properties the kit adds (requirement ids, a curl command
        redacted when it was made). Most reports are such; copying them cost a second of CPU a run."""
        if not report.longrepr and not report.sections:
            return report
        serialized = config.hook.pytest_report_to_serializable(config=config, report=report)
        return config.hook.pytest_report_from_serializable(config=config, data=self.data(serialized))


class RedactingStream(io.TextIOBase):
    """A text stream that writes through to another one line at a time, redacted."""

    def __init__(self, inner: TextIO, redactor: Redactor) -> None:
        self.inner = inner
        self.redactor = redactor
        self._pending = ""

    @property
    def encoding(self) -> str:
        """The encoding of the wrapped stream."""
        return self.inner.encoding

    def writable(self) -> bool:
        """Always writable."""
        return True

    def isatty(self) -> bool:
        """Whether the wrapped stream is a terminal (pytest colours its output then)."""
        return self.inner.isatty()

    def write(self, text: str) -> int:
        """Hold `text` until its line is complete (a secret split over two writes is still found)."""
        self._pending += text
        complete, newline, self._pending = self._pending.rpartition("\n")
        if newline:
            self._emit(complete + newline)
        return len(text)

    def flush(self) -> None:
        """Write the pending part line too, redacted, and flush the wrapped stream."""
        if self._pending:
            self._emit(self._pending)
            self._pending = ""
        self.inner.flush()

    def _emit(self, text: str) -> None:
        redacted = self.redactor.text(text)
        try:
            self.inner.write(redacted)
        except UnicodeEncodeError:  # a console that cannot show some character: escape it, as pytest does
            self.inner.write(redacted.encode("unicode-escape").decode("ascii"))


@contextmanager
def redacted_output(redactor: Redactor) -> Iterator[None]:
    """Route sys.stdout and sys.stderr through the redactor while the block runs."""
    saved = sys.stdout, sys.stderr
    wrapped = RedactingStream(saved[0], redactor), RedactingStream(saved[1], redactor)
    sys.stdout, sys.stderr = wrapped
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
        for stream in wrapped:
            stream.flush()
