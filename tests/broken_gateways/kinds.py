"""The kinds of break: WSGI middleware around the reference app, each changing what one rule needs.

A kind is built with the details of one break (which request, which change) and wraps the app with
`wrap`. The app is served by BufferedWSGI, so the whole body is in `wsgi.input` when a kind sees it.
"""

from __future__ import annotations

import io
import json
import re
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from conformance.embedded_gateway import ROLE_WEBHOOKS
from reference_server.paper.instruments import resolve_instrument
from reference_server.webhook.responses import error_body
from reference_server.webhook.sources import client_address
from reference_server.webhook.tickers import TickerDatabase
from webhook_spec import Signal, validate_body
from webhook_spec.catalogue import error_code

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
TRUSTED_PROXIES = ("127.0.0.1",)  # what every broken gateway's config trusts, as the embedded target does
_WEBHOOK_PATH = re.compile(r"^/trading/webhook/([^/]+)/([^/]+)$")
_ROLES = {hook.uuid: hook.name for hook in ROLE_WEBHOOKS}
_PASSWORDS = {hook.uuid: hook.password for hook in ROLE_WEBHOOKS}
_REASONS = {
    200: "OK",
    400: "Bad Request",
    404: "Not Found",
    413: "Content Too Large",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
}


@dataclass(frozen=True)
class Request:
    """One request as a kind sees it: the WSGI environ and the whole body."""

    environ: dict[str, Any]
    body: bytes

    @classmethod
    def read(cls, environ: dict[str, Any]) -> Request:
        """The request of `environ`, its body read whole."""
        return cls(environ, environ["wsgi.input"].read())

    @property
    def method(self) -> str:
        """The HTTP method."""
        return self.environ["REQUEST_METHOD"]

    @property
    def path(self) -> str:
        """The URL path."""
        return self.environ.get("PATH_INFO", "")

    @property
    def uuid(self) -> str | None:
        """The webhook uuid of the path, or None off the webhook path."""
        match = _WEBHOOK_PATH.match(self.path)
        return match.group(1) if match else None

    @property
    def role(self) -> str | None:
        """The kit role of the webhook the path names (None for others)."""
        return _ROLES.get(self.uuid or "")

    @property
    def right_password(self) -> bool:
        """Whether the path holds its webhook's configured password."""
        match = _WEBHOOK_PATH.match(self.path)
        return bool(match) and _PASSWORDS.get(match.group(1)) == match.group(2)

    @property
    def source(self) -> str:
        """The source address as the reference sees it (X-Forwarded-For believed from 127.0.0.1)."""
        forwarded = self.environ.get("HTTP_X_FORWARDED_FOR")
        return client_address(self.environ.get("REMOTE_ADDR", ""), forwarded, TRUSTED_PROXIES)

    def signal(self) -> dict[str, Any] | None:
        """The body as a JSON object, leniently parsed (None when it is not one)."""
        try:
            document = json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            return None
        return document if isinstance(document, dict) else None

    def changed(self, body: bytes | None = None, **environ: Any) -> Request:
        """This request with other environ entries, and another body (of its own length) if given."""
        if body is None:
            return Request({**self.environ, **environ}, self.body)
        return Request({**self.environ, **environ, "CONTENT_LENGTH": str(len(body))}, body)

    def with_signal(self, signal: dict[str, Any]) -> Request:
        """This request with `signal` as its JSON body."""
        return self.changed(json.dumps(signal).encode())

    def wsgi_environ(self) -> dict[str, Any]:
        """An environ the app can read this body from (a body left unread, over the size limit, keeps
        its declared length, as BufferedWSGI hands it over)."""
        return {**self.environ, "wsgi.input": io.BytesIO(self.body)}


@dataclass(frozen=True)
class Answer:
    """A response: status, headers and the whole body."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    @classmethod
    def of_json(cls, status: int, document: Any, headers: Iterable[tuple[str, str]] = ()) -> Answer:
        """A JSON response."""
        return cls(status, (("Content-Type", "application/json"), *headers), json.dumps(document).encode())

    @classmethod
    def error(cls, code: str, status: int | None = None, headers: Iterable[tuple[str, str]] = ()) -> Answer:
        """The catalogue's error body of `code` (without a logId), with its status unless told another."""
        return cls.of_json(status or error_code(code).status, error_body(code), headers)

    @classmethod
    def html(cls, status: int, title: str) -> Answer:
        """An HTML error page, as web servers answer by default."""
        page = f"<html><head><title>{status} {title}</title></head><body><h1>{title}</h1></body></html>"
        return cls(status, (("Content-Type", "text/html"),), page.encode())

    def document(self) -> Any:
        """The body as JSON, or None."""
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    @property
    def code(self) -> str | None:
        """The messageCode of an error body."""
        document = self.document()
        return document.get("messageCode") if isinstance(document, dict) else None

    def with_document(self, document: Any) -> Answer:
        """This response with another JSON body."""
        return replace(self, body=json.dumps(document).encode())


def call(app: WSGIApp, request: Request) -> Answer:
    """Run the app on `request` and collect its answer."""
    started: list[Any] = []
    result = app(
        request.wsgi_environ(), lambda status, headers, exc_info=None: started.extend([status, headers])
    )
    try:
        body = b"".join(result)
    finally:
        getattr(result, "close", lambda: None)()
    status, headers = started
    return Answer(int(status.split(" ", 1)[0]), tuple(headers), body)


def reply(answer: Answer, start_response: Callable[..., Any]) -> list[bytes]:
    """Send `answer` as the WSGI response."""
    headers = [(name, value) for name, value in answer.headers if name.lower() != "content-length"]
    start_response(
        f"{answer.status} {_REASONS.get(answer.status, 'Status')}",
        [*headers, ("Content-Length", str(len(answer.body)))],
    )
    return [answer.body]


class Kind:
    """A break: `handle` answers one request, given the app to call for the reference's answer."""

    def handle(self, app: WSGIApp, request: Request) -> Answer:
        """The broken gateway's answer to `request`."""
        raise NotImplementedError

    def wrap(self, app: WSGIApp) -> WSGIApp:
        """The app with this break."""

        def broken(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            return reply(self.handle(app, Request.read(environ)), start_response)

        return broken


@dataclass(frozen=True)
class Unchanged(Kind):
    """No middleware: the break is in the gateway's config or in a proxy in front."""

    def handle(self, app: WSGIApp, request: Request) -> Answer:
        """The reference's answer."""
        return call(app, request)

    def wrap(self, app: WSGIApp) -> WSGIApp:
        """The app itself."""
        return app


@dataclass(frozen=True)
class AnswerWhen(Kind):
    """Requests that match `when` get `answer` without reaching the app."""

    when: Callable[[Request], bool]
    answer: Callable[[Request], Answer]

    def handle(self, app: WSGIApp, request: Request) -> Answer:
        """The fixed answer, or the reference's."""
        return self.answer(request) if self.when(request) else call(app, request)


@dataclass(frozen=True)
class ChangeRequest(Kind):
    """The app sees the request as `change` makes it (the same request when it returns None)."""

    change: Callable[[Request], Request | None]

    def handle(self, app: WSGIApp, request: Request) -> Answer:
        """The reference's answer to the changed request."""
        return call(app, self.change(request) or request)


@dataclass(frozen=True)
class ChangeSignal(Kind):
    """Webhook signals (JSON objects) reach the app as `change` makes them (None: unchanged)."""

    change: Callable[[dict[str, Any]], dict[str, Any] | None]

    def handle(self, app: WSGIApp, request: Request) -> Answer:
        """The reference's answer to the changed signal."""
        signal = request.signal() if request.uuid else None
        changed = self.change(signal) if signal is not None else None
        return call(app, request if changed is None else request.with_signal(changed))


@dataclass(frozen=True)
class ChangeAnswer(Kind):
    """The client gets the reference's answer as `change` makes it."""

    change: Callable[[Request, Answer], Answer]

    def handle(self, app: WSGIApp, request: Request) -> Answer:
        """The changed answer."""
        return self.change(request, call(app, request))


def renamed_code(old: str, new: str, status: int | None = None) -> ChangeAnswer:
    """Answers `new` (with its status, or `status`) wherever the reference answers `old`."""

    def change(_request: Request, answer: Answer) -> Answer:
        if answer.code != old:
            return answer
        document = {**answer.document(), "messageCode": new, "message": error_code(new).message}
        return replace(answer.with_document(document), status=status or error_code(new).status)

    return ChangeAnswer(change)


def normalized_payload(answer: Answer, original: bytes) -> Answer:
    """A 200 whose payload is the normalized signal of `original`, as the reference would echo it."""
    outcome = validate_body(original)
    document = answer.document()
    if answer.status != 200 or not isinstance(outcome, Signal) or not isinstance(document, dict):
        return answer
    return answer.with_document({**document, "payload": outcome.normalized})


@dataclass(frozen=True)
class TradeAs(Kind):
    """The app trades a signal as `change` makes it, while the 200 echoes the signal as sent: only
    the trade differs."""

    change: Callable[[dict[str, Any]], dict[str, Any] | None]

    def handle(self, app: WSGIApp, request: Request) -> Answer:
        """The reference's answer for the changed signal, its payload the sent one's."""
        signal = request.signal() if request.uuid else None
        changed = self.change(dict(signal)) if signal is not None else None
        if changed is None:
            return call(app, request)
        return normalized_payload(call(app, request.with_signal(changed)), request.body)


@dataclass(frozen=True)
class Delay(Kind):
    """Requests that match `when` are answered `seconds` late."""

    when: Callable[[Request], bool]
    seconds: float

    def handle(self, app: WSGIApp, request: Request) -> Answer:
        """The reference's answer, late."""
        if self.when(request):
            time.sleep(self.seconds)
        return call(app, request)


@dataclass
class WrongPasswordAfterSignal(Kind):
    """Once a webhook accepted a signal, any password opens it (a cached session per webhook)."""

    opened: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, app: WSGIApp, request: Request) -> Answer:
        """The reference's answer, with the right password once the webhook is open."""
        uuid = request.uuid
        with self.lock:
            opened = uuid in self.opened
        if opened and uuid in _PASSWORDS and not request.right_password:
            request = request.changed(PATH_INFO=f"/trading/webhook/{uuid}/{_PASSWORDS[uuid]}")
        answer = call(app, request)
        if answer.status == 200 and uuid:
            with self.lock:
                self.opened.add(uuid)
        return answer


@dataclass
class OwnRateLimit(Kind):
    """The gateway's own limit of `limit` requests per `window` seconds (the app's limits lifted):
    per webhook URL or per source address over all webhooks, in sliding windows or in fixed
    clock-aligned ones, counting the requests with the right password only (as the reference) or all."""

    per_address: bool
    sliding: bool
    wrong_passwords: bool = False
    limit: int = 60
    window: float = 60.0
    hits: dict[str, deque] = field(default_factory=lambda: defaultdict(deque))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _retry_after(self, key: str, now: float) -> int | None:
        """None when the request is let through (and counted), else the seconds to wait."""
        hits = self.hits[key]
        start = now - self.window if self.sliding else now // self.window * self.window
        while hits and (hits[0] <= start if self.sliding else hits[0] < start):
            hits.popleft()
        if len(hits) < self.limit:
            hits.append(now)
            return None
        ends = hits[0] + self.window if self.sliding else start + self.window
        return max(1, int(ends - now + 0.999))

    def handle(self, app: WSGIApp, request: Request) -> Answer:
        """429 past the limit, else the reference's answer."""
        counted = request.method == "POST" and (request.right_password or self.wrong_passwords)
        if counted and (self.per_address or request.role == "quota"):
            key = request.source if self.per_address else request.uuid or ""
            with self.lock:
                retry_after = self._retry_after(key, time.time())
            if retry_after is not None:
                return Answer.error("too-many-requests", headers=[("Retry-After", str(retry_after))])
        return call(app, request)


_CLOCK_PATH = "/control/clock"


@dataclass
class RollOnExpiry(Kind):
    """Continuous futures symbols and bare roots roll on the contract's expiry day instead of two days
    before: traded as the explicit contract of two days earlier (the 200 echoes the signal as sent)."""

    clock: list[datetime | None] = field(default_factory=lambda: [None])
    days_late: int = 2

    def _today(self) -> date:
        return (self.clock[0] or datetime.now(UTC)).date()

    def _contract(self, signal: dict[str, Any]) -> str | None:
        database = TickerDatabase.bundled()
        on = self._today() - timedelta(days=self.days_late)
        try:
            late = resolve_instrument(signal, asset_class="futures", database=database, on=on)
        except (LookupError, KeyError, ValueError, TypeError):
            return None
        symbol = getattr(late, "symbol", None)
        return symbol if symbol and symbol != str(signal.get("ticker", "")).strip().upper() else None

    def handle(self, app: WSGIApp, request: Request) -> Answer:
        """The reference's answer, with continuous symbols resolved late."""
        if request.path == _CLOCK_PATH and request.method == "PUT":
            answer = call(app, request)
            if answer.status == 200:
                now = (answer.document() or {}).get("now")
                self.clock[0] = datetime.fromisoformat(now) if now else None
            return answer
        signal = request.signal() if request.role == "futures" or request.uuid not in _ROLES else None
        contract = self._contract(signal) if signal and isinstance(signal.get("ticker"), str) else None
        if contract is None:
            return call(app, request)
        answer = call(app, request.with_signal({**signal, "ticker": contract}))
        return normalized_payload(answer, request.body)


def nesting_depth(body: bytes) -> int:
    """How deep arrays and objects nest in a JSON text (brackets inside strings not counted)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest
