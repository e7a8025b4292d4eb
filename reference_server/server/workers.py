"""The gunicorn worker: an asyncio HTTP server (uvicorn's httptools protocol) with bounded reads.

gunicorn's master manages the worker processes (`--workers`); each worker reads requests on its
event loop, so a client that stalls or trickles holds no thread (D-063). The protocol adds what
uvicorn lacks: a deadline for the request line and headers (408 request-timeout), gunicorn's header
limits (D-050), a 411 length-required for an HTTP/1.0 body without a length (D-085), and JSON for every
answer the server itself gives (400 malformed-request). A request that arrives whole in one read is
answered in that read, without an ASGI task (D-090).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, ClassVar

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol
from uvicorn_worker import UvicornWorker

from reference_server.server.buffered_wsgi import error_message

# gunicorn's defaults, kept as the limits of D-050.
REQUEST_LINE_LIMIT = 4094
HEADER_FIELD_LIMIT = 8190
HEADER_FIELDS_LIMIT = 100
HEAD_LIMIT = REQUEST_LINE_LIMIT + HEADER_FIELDS_LIMIT * (HEADER_FIELD_LIMIT + 4)  # bytes before the body


class RequestOverLimits(Exception):
    """The request line or headers are over the server's limits."""


class LengthRequired(Exception):
    """An HTTP/1.0 POST whose body has no end the server can see: no Content-Length, or a
    Transfer-Encoding (HTTP/1.1 only)."""


def unframed_http10_post(method: bytes, headers: list[tuple[bytes, bytes]]) -> bool:
    """Whether an HTTP/1.0 request with these (lower-cased) headers is a POST whose body length is
    not stated by a Content-Length alone (D-085)."""
    names = {name for name, _ in headers}
    return method == b"POST" and (b"content-length" not in names or b"transfer-encoding" in names)


class UnreadableVersion(Exception):
    """A request line with no HTTP version (HTTP/0.9 to httptools) or one other than 1.0 and 1.1."""


READABLE_VERSIONS = ("1.0", "1.1")  # httptools also passes 0.9 (no version) and 2.0
LINGER_SECONDS = 2.0  # how long a closing connection still reads and drops what its client sends


class LingeringTransport:
    """A connection's transport whose close() lingers: what was written goes out with a FIN, then what
    the client still sends (the rest of a body refused unread, D-063) is read and dropped until the
    client closes its side or LINGER_SECONDS pass. Closing a socket with unread data makes the kernel
    answer with a reset, which can destroy the answer before the client has read it."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self.transport = transport
        self.loop = loop
        self.lingering = False
        self.closing_after_answer = False  # its last answer waits for a commit (D-092), then it closes
        self.timer: asyncio.TimerHandle | None = None

    def close(self) -> None:
        """Send what is written and a FIN; close for good when the client does, or after the linger."""
        self.closing_after_answer = False
        if self.lingering or self.transport.is_closing():
            return
        self.lingering = True
        if not self.transport.can_write_eof():
            self.transport.close()
            return
        self.transport.write_eof()
        self.transport.resume_reading()  # reading may be paused for a body nobody reads
        self.timer = self.loop.call_later(LINGER_SECONDS, self.transport.close)

    def write(self, data: bytes) -> None:
        """Write `data` (named here, not found through __getattr__: it is called for every answer)."""
        self.transport.write(data)

    def writable(self) -> bool:
        """Whether an answer can still be written: the connection is neither lingering nor closed."""
        return not self.lingering and not self.transport.is_closing()

    def is_closing(self) -> bool:
        """Closed or closing, lingering included: no other request is read on this connection."""
        return self.lingering or self.closing_after_answer or self.transport.is_closing()

    def stop_lingering(self) -> None:
        """The connection is gone: cancel the linger's timer."""
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.transport, name)


class GatewayHttpProtocol(HttpToolsProtocol):
    """uvicorn's HTTP/1.1 protocol with a header deadline, header limits and JSON error answers."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.header_timeout = self.app.timeouts.header  # the app is the BufferedWSGI that serve() built
        self.header_deadline: asyncio.TimerHandle | None = None
        self.head_pending = False  # a request's head began and is not complete yet
        self.url_size = 0
        self.header_count = 0
        self.head_size = 0
        self.refusal = "malformed-request"  # the code of a request the parser stops at
        self.starting_head = False  # within uvicorn's on_headers_complete
        self.waiting: tuple[Any, Any] | None = None  # (cycle, app) of a request waiting for the read's end
        self.answers_whole = hasattr(self.app, "answer_whole")  # a BufferedWSGI, or an app like it
        self.holds_answers = hasattr(self.app, "after_commit")  # answers wait for commits (D-092)

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Start the clock for the first request's head; closing the connection lingers."""
        super().connection_made(transport)
        self.transport = LingeringTransport(transport, self.loop)  # type: ignore[assignment]
        self._arm_header_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        """Stop the clocks."""
        self._disarm_header_deadline()
        self.transport.stop_lingering()  # type: ignore[attr-defined]
        super().connection_lost(exc)

    def _arm_header_deadline(self) -> None:
        self._disarm_header_deadline()
        self.header_deadline = self.loop.call_later(self.header_timeout, self._header_timed_out)

    def _disarm_header_deadline(self) -> None:
        if self.header_deadline is not None:
            self.header_deadline.cancel()
            self.header_deadline = None

    def _header_timed_out(self) -> None:
        self.header_deadline = None
        if not self.transport.is_closing():
            self._send_error("request-timeout")

    def _send_error(self, code: str) -> None:
        """Answer with the catalogue's error `code` and close, after the answers still waiting (D-092)."""
        status, headers, body = error_message(code)
        head = [STATUS_LINE[status]]
        head += [name + b": " + value + b"\r\n" for name, value in headers]
        answer = b"".join(head) + b"\r\n" + body
        self.transport.closing_after_answer = True  # type: ignore[attr-defined]  # read no more

        def write(_committed: bool) -> None:
            if self.transport.writable():  # type: ignore[attr-defined]
                self.transport.write(answer)
                self.transport.close()

        self._after_commit(write)

    def _after_commit(self, write: Callable[[bool], None]) -> None:
        """Run `write` once what the requests answered so far wrote is committed (D-092), so that
        answers keep their order; at once for an app that holds no answers."""
        if self.holds_answers:
            self.app.after_commit(write)
        else:
            write(True)

    def data_received(self, data: bytes) -> None:
        """Feed the parser; a head that grows past every limit together is refused before it is parsed.
        What arrives once the connection is closing is dropped (LingeringTransport)."""
        if self.transport.is_closing():
            return
        if self.header_deadline is not None or self.head_pending:
            self.head_size += len(data)
            if self.head_size > HEAD_LIMIT:
                self._send_error("malformed-request")
                return
        super().data_received(data)
        if self.head_pending and self.header_deadline is None and not self.transport.is_closing():
            self._arm_header_deadline()  # a head begun in this read and not complete by its end
        if (
            self.waiting is not None
        ):  # its body is not whole: its ASGI task reads the rest, within its deadline
            cycle, app = self.waiting
            self.waiting = None
            super()._start_asgi_task(cycle, app)

    def send_400_response(self, msg: str) -> None:
        """A request the parser stops at is answered in JSON: 400 malformed-request when it cannot be
        read (D-050), 411 length-required when its body has no end (D-085)."""
        self._send_error(self.refusal)

    def on_message_begin(self) -> None:
        """A new request's first byte: its head must be complete before the deadline, which starts at
        the end of this read unless the head is complete by then (data_received)."""
        super().on_message_begin()
        self.url_size = 0
        self.header_count = 0
        self.head_size = 0
        self.head_pending = True

    def on_url(self, url: bytes) -> None:
        """Collect the target, within the request-line limit."""
        self.url_size += len(url)
        if self.url_size > REQUEST_LINE_LIMIT:
            raise RequestOverLimits("request line")
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        """Collect a header, within the field and count limits."""
        self.header_count += 1
        if self.header_count > HEADER_FIELDS_LIMIT or len(name) + len(value) > HEADER_FIELD_LIMIT:
            raise RequestOverLimits("header")
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        """The head arrived in time: the body's own deadline is the app's (BufferedWSGI). A request line
        of no HTTP/1.x version cannot be read (D-050); an HTTP/1.0 POST must state its body's length
        (D-085): otherwise the parser stops here."""
        self.head_pending = False
        self._disarm_header_deadline()
        version = self.parser.get_http_version()
        if version not in READABLE_VERSIONS:
            raise UnreadableVersion  # the parser stops; answered malformed-request
        if version == "1.0" and unframed_http10_post(self.parser.get_method(), self.headers):
            self.refusal = "length-required"
            raise LengthRequired  # the parser stops; data_received answers through send_400_response
        self.starting_head = True
        try:
            super().on_headers_complete()
        finally:
            self.starting_head = False

    def _start_asgi_task(self, cycle: Any, app: Any) -> None:
        """A request whose head has just been parsed waits for the end of this read (D-090): whole by
        then, it is answered at once (_answer_at_once); if not, its ASGI task starts as uvicorn's would,
        and reads the rest within the body's deadline. A 100-continue, a client that does not read its
        answers (writing paused) and a connection that is closing keep uvicorn's way."""
        if self.transport.is_closing():
            return  # no other request is read on a connection that is closing (LingeringTransport)
        if (
            self.starting_head
            and self.answers_whole
            and app is self.app
            and not (cycle.waiting_for_100_continue or self.flow.write_paused)
        ):
            self.waiting = (cycle, app)
            return
        super()._start_asgi_task(cycle, app)

    def on_message_complete(self) -> None:
        """The request is whole: one that waits for the end of the read is answered now, in order."""
        super().on_message_complete()
        if self.waiting is not None and self.waiting[0] is self.cycle:
            cycle, app = self.waiting
            self.waiting = None
            answer = self.app.answer_whole(cycle.scope, bytes(cycle.body))
            if answer is None:
                super()._start_asgi_task(cycle, app)
            else:
                cycle.body = bytearray()
                self._answer_at_once(cycle, *answer)

    def _answer_at_once(
        self, cycle: Any, status: int, headers: list[tuple[bytes, bytes]], body: bytes
    ) -> None:
        """Complete the cycle and write the answer once what the request wrote is committed (D-092),
        as uvicorn's ASGI send would: the server's default headers, then the app's, `connection:
        close` when the connection does not stay open. An answer whose writes failed is a JSON 500."""
        closing = any(name == b"connection" and b"close" in value.lower() for name, value in headers)
        if closing:
            cycle.keep_alive = False
        keep_alive = cycle.keep_alive
        head_only = cycle.scope["method"] == "HEAD"
        cycle.response_started = cycle.response_complete = True
        if not keep_alive:
            self.transport.closing_after_answer = True  # type: ignore[attr-defined]  # read no more

        def write(committed: bool) -> None:
            if not self.transport.writable():  # type: ignore[attr-defined]  # gone, or closed by a 500
                return
            if committed:
                self._write_answer(status, headers, body, keep_alive or closing, head_only)
            else:
                self._write_answer(*error_message("internal-error"), True, head_only)
            if not keep_alive or not committed:
                self.transport.close()

        self._after_commit(write)
        cycle.on_response()

    def _write_answer(
        self, status: int, headers: list[tuple[bytes, bytes]], body: bytes, said: bool, head_only: bool
    ) -> None:
        """Write an answer; `said`: whether the connection's fate needs no `connection: close` added."""
        content = [STATUS_LINE[status]]
        for name, value in [*self.server_state.default_headers, *headers]:
            content += [name, b": ", value, b"\r\n"]
        if not said:
            content.append(b"connection: close\r\n")
        content.append(b"\r\n")
        if not head_only:
            content.append(body)
        self.transport.write(b"".join(content))

    def on_response_complete(self) -> None:
        """Between requests uvicorn's keep-alive timeout closes an idle connection."""
        super().on_response_complete()
        self._disarm_header_deadline()


class GatewayWorker(UvicornWorker):
    """uvicorn under gunicorn, with the gateway's protocol; X-Forwarded-For is the app's business."""

    CONFIG_KWARGS: ClassVar[dict[str, Any]] = {
        "loop": "asyncio",
        "http": GatewayHttpProtocol,
        "lifespan": "off",
        "proxy_headers": False,
        "server_header": False,
    }
