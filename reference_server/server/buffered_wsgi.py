"""An ASGI app that reads each request whole, within a time bound, before a WSGI app sees it.

The event loop reads bodies for every connection at once; the WSGI app runs only when its request
is complete, so clients that stall or trickle hold nothing but their connection (D-063). A body
not complete within the timeout is answered 408 request-timeout and the connection is closed.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import unquote_to_bytes

from reference_server.webhook.responses import error_body
from webhook_spec.catalogue import error_code

_logger = logging.getLogger(__name__)

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
Headers = list[tuple[bytes, bytes]]


class TurnCommits(Protocol):
    """The app's turn commit (webhook/turn_commit.py): what it writes on the event loop's thread
    shares one COMMIT per loop turn, and answers wait for it (D-092)."""

    loop: asyncio.AbstractEventLoop | None

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Serve writes made on `loop`'s thread, where this is called."""

    def after_commit(self, answer: Callable[[bool], None]) -> None:
        """Call `answer` once the writes since the last call are committed (False: they could not be)."""

    def commit_now(self) -> None:
        """Commit what is open now."""


class ReadAnswer(Protocol):
    """An app's own answerer of a POST read whole, before any WSGI environ is built: status, JSON body
    and other headers, or None to leave the request to the WSGI app (webhook/api.py has one)."""

    def __call__(
        self, path: str, remote_addr: str, headers: Headers, body: bytes | None
    ) -> tuple[int, bytes, Iterable[tuple[str, str]]] | None: ...


def error_message(code: str) -> tuple[int, Headers, bytes]:
    """Status, headers and body of the catalogue's error `code`, closing the connection."""
    body = json.dumps(error_body(code), separators=(",", ":")).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    return error_code(code).status, headers, body


@dataclass(frozen=True)
class ReadTimeouts:
    """Seconds a client has to send a request's line and headers, and then its body (D-063)."""

    header: float = 5.0
    body: float = 5.0


class ClientGone(Exception):
    """The client closed its connection before its body was whole."""


def wsgi_environ(scope: dict[str, Any], body: bytes, declared_length: str | None) -> dict[str, Any]:
    """The WSGI environ of an ASGI HTTP scope whose body has been read whole."""
    server_name, server_port = scope.get("server") or ("localhost", 80)
    client = scope.get("client")
    path = _unquoted_path(scope).decode("latin-1")  # a WSGI string; Werkzeug reads it as UTF-8
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": scope["query_string"].decode("latin-1"),
        "SERVER_NAME": str(server_name),
        "SERVER_PORT": str(server_port),
        "SERVER_PROTOCOL": f"HTTP/{scope['http_version']}",
        "REMOTE_ADDR": client[0] if client else "",
        "REMOTE_PORT": str(client[1]) if client else "",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for raw_name, raw_value in scope["headers"]:
        name = raw_name.decode("latin-1").upper().replace("-", "_")
        value = raw_value.decode("latin-1")
        if name == "TRANSFER_ENCODING":
            continue  # the body is whole: its length is known
        if name in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            environ[name] = value
            continue
        key = f"HTTP_{name}"
        environ[key] = f"{environ[key]},{value}" if key in environ else value
    # A body that was read has the length read; one left unread (declared over the limit) keeps its
    # declared length, so that the app refuses it as too large without reading.
    environ["CONTENT_LENGTH"] = declared_length if declared_length is not None else str(len(body))
    return environ


def run_wsgi(app: WSGIApp, environ: dict[str, Any]) -> tuple[int, Headers, bytes]:
    """Call the WSGI app; its status, headers and whole body."""
    started: list[Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        started[:] = [status, headers]

    result = app(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    status, headers = started
    return int(status.split(" ", 1)[0]), _encoded(headers), body


def _encoded(headers: Iterable[tuple[str, str]]) -> Headers:
    return [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers]


class BufferedWSGI:
    """Serve a WSGI app over ASGI: bodies read whole on the event loop, then the app run on the loop
    itself (`threads` 0, the default: no hand-off between threads) or in a pool of `threads`.

    With `read_answer`, a POST is first offered to it, and the WSGI app serves what it leaves. The
    server's protocol calls `answer_whole` for a request that arrived whole in one read (D-090).
    With `turns` (and no threads), what the app writes on the loop's thread shares a COMMIT per loop
    turn: each answer goes out through `after_commit`, once what its request wrote is committed (D-092).
    """

    def __init__(
        self,
        app: WSGIApp,
        *,
        threads: int,
        timeouts: ReadTimeouts,
        body_limit: int,
        read_answer: ReadAnswer | None = None,
        turns: TurnCommits | None = None,
    ) -> None:
        self.app = app
        self.read_answer = read_answer
        self.timeouts = timeouts  # the body's here; the head's is read by the server's protocol
        self.body_limit = body_limit
        self.executor = ThreadPoolExecutor(threads, thread_name_prefix="wsgi") if threads else None
        self.turns = None if self.executor is not None else turns  # the app's records on the loop's thread

    async def __call__(self, scope: dict[str, Any], receive: Callable, send: Callable) -> None:
        """Answer one ASGI connection scope."""
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http":
            await self._http(scope, receive, send)

    async def _lifespan(self, receive: Callable, send: Callable) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.executor is not None:
                    self.executor.shutdown(wait=True)
                await send({"type": "lifespan.shutdown.complete"})
                return

    def answer_whole(self, scope: dict[str, Any], body: bytes) -> tuple[int, Headers, bytes] | None:
        """The answer to a request read whole, at once on the event loop's thread (D-090); None when
        the app runs in threads or the body is over the limit: the ASGI call then answers it."""
        if self.executor is not None or len(body) > self.body_limit:
            return None
        self._attach_turns()
        return self._answer(scope, body, None)

    def after_commit(self, answer: Callable[[bool], None]) -> None:
        """Call `answer` once what the last request answered wrote is committed: with True, or False
        when it could not be, and its answer must be a 500 instead (D-092); answers keep their order."""
        if self.turns is None:
            answer(True)
        else:
            self.turns.after_commit(answer)

    def _attach_turns(self) -> None:
        if self.turns is not None and self.turns.loop is None:
            self.turns.attach(asyncio.get_running_loop())

    async def _committed(self) -> bool:
        """Whether what the last request answered wrote is committed, once it is (after_commit)."""
        if self.turns is None:
            return True
        committed: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self.turns.after_commit(lambda ok: None if committed.done() else committed.set_result(ok))
        return await committed

    async def _http(self, scope: dict[str, Any], receive: Callable, send: Callable) -> None:
        declared = _declared_length(scope["headers"])
        unread = declared is not None and declared > self.body_limit + 1
        try:
            if unread:
                body, whole = b"", False
            else:
                async with asyncio.timeout(self.timeouts.body):  # a timer, where wait_for makes a task
                    body, whole = await self._body(receive)
        except ClientGone:
            return
        except TimeoutError:
            await _send(send, *error_message("request-timeout"))
            return
        if self.executor is None:
            self._attach_turns()
            status, headers, payload = self._answer(scope, body, declared if unread else None)
            if not await self._committed():
                status, headers, payload = error_message("internal-error")
        else:
            status, headers, payload = await asyncio.get_running_loop().run_in_executor(
                self.executor, self._answer, scope, body, declared if unread else None
            )
        if not whole:
            headers = [*headers, (b"connection", b"close")]  # the rest of the body is still on the wire
        await _send(send, status, headers, payload)

    def _answer(self, scope: dict[str, Any], body: bytes, unread: int | None) -> tuple[int, Headers, bytes]:
        """The read_answer's answer, or else the WSGI app's; `unread`: the length declared of a
        body left unread. A fault outside the app's own error handlers is a JSON 500."""
        try:
            return self._app_answer(scope, body, unread)
        except Exception:
            _logger.exception("the WSGI app failed")
            return error_message("internal-error")

    def _app_answer(
        self, scope: dict[str, Any], body: bytes, unread: int | None
    ) -> tuple[int, Headers, bytes]:
        if self.read_answer is not None and scope["method"] == "POST":
            answer = self.read_answer(
                _decoded_path(scope),
                (scope.get("client") or ("",))[0],
                scope["headers"],
                None if unread is not None else body,
            )
            if answer is not None:
                status, payload, headers = answer
                length = (b"content-length", str(len(payload)).encode())
                return status, [_JSON_TYPE, length, *_encoded(headers)], payload
        environ = wsgi_environ(scope, body, None if unread is None else str(unread))
        if self.turns is not None:
            self.turns.commit_now()  # the Flask app reads and writes only what is committed
        return run_wsgi(self.app, environ)

    async def _body(self, receive: Callable) -> tuple[bytes, bool]:
        """The body, and whether it is whole: past the limit by one byte reading stops (the app then
        answers payload-too-large)."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise ClientGone
            chunk = message.get("body", b"")
            chunks.append(chunk)
            size += len(chunk)
            more = message.get("more_body", False)
            if not more or size > self.body_limit:
                return b"".join(chunks), not more


_JSON_TYPE = (b"content-type", b"application/json")


def _unquoted_path(scope: dict[str, Any]) -> bytes:
    """The request target's path, without its query, percent-decoded."""
    return unquote_to_bytes(scope["raw_path"].split(b"?", 1)[0])


def _decoded_path(scope: dict[str, Any]) -> str:
    """The path as Werkzeug routes it: percent-decoded, then read as UTF-8."""
    return _unquoted_path(scope).decode("utf-8", "replace")


def _declared_length(headers: Headers) -> int | None:
    for name, value in headers:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _send(send: Callable, status: int, headers: Headers, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
