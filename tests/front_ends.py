"""Loopback servers the kit's tests put in place of a gateway, or in front of one.

`StubServer` answers every request with one fixed response (a 404 page, `200 {}`, a redirect).
`PrefixProxy` is a small reverse proxy that serves a gateway under a path prefix, as a user's front end
would: it appends the connecting peer to X-Forwarded-For (or passes it on unchanged), and may refuse
headers over a size limit with its own HTML page, as nginx does.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HEAD_TIMEOUT = 10.0  # seconds the proxy waits for a request's line and headers
MAX_HEAD = 1 << 20  # bytes of a request head the proxy reads at most
HOP_BY_HOP = {b"connection", b"keep-alive", b"proxy-connection"}
NOT_FOUND_PAGE = b"<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>\n"


@contextmanager
def stub_server(
    status: int, body: bytes, content_type: str = "text/html", headers: dict[str, str] | None = None
) -> Iterator[str]:
    """Serve one fixed response to every request on a free loopback port; yield its base URL."""

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_TRACE = do_HEAD = _answer

        def log_message(self, *args) -> None:
            """Quiet: the tests read the kit's output, not the stub's."""

    with serving_handler(Handler) as url:
        yield url


@contextmanager
def serving_handler(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve `handler` on a free loopback port from a thread while the block runs; yield its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def _page(status: bytes, body: bytes) -> bytes:
    return (
        b"HTTP/1.1 "
        + status
        + b"\r\nContent-Type: text/html\r\nContent-Length: "
        + str(len(body)).encode()
        + b"\r\nConnection: close\r\n\r\n"
        + body
    )


class PrefixProxy:
    """Serves the gateway at `upstream` under `prefix` on a free loopback port, one request per connection."""

    def __init__(
        self, upstream: str, prefix: str = "/api", header_limit: int | None = None, forwards_peer: bool = True
    ) -> None:
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname, parts.port)
        self.prefix = prefix.encode()
        self.header_limit = header_limit
        self.forwards_peer = forwards_peer
        self.url = ""
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def __enter__(self) -> PrefixProxy:
        self._thread.start()
        server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._handle, "127.0.0.1", 0, limit=MAX_HEAD), self._loop
        ).result(5)
        self._server = server
        self.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}{self.prefix.decode()}"
        return self

    def __exit__(self, *exc) -> None:
        async def close() -> None:
            self._server.close()
            handlers = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
            for task in handlers:
                task.cancel()
            await asyncio.gather(*handlers, return_exceptions=True)

        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(close(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()

    def _rewrite(self, head: bytes, peer: str) -> bytes | None:
        """The head to send upstream (prefix removed, X-Forwarded-For set), or None when not under it."""
        request_line, *lines = head[:-4].split(b"\r\n")
        method, target, version = request_line.split(b" ", 2)
        if not (target == self.prefix or target.startswith(self.prefix + b"/")):
            return None
        forwarded, kept = [], []
        for line in lines:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"x-forwarded-for":
                forwarded.append(value.strip())
            elif name.strip().lower() not in HOP_BY_HOP:
                kept.append(line)
        if self.forwards_peer:
            forwarded.append(peer.encode())
        if forwarded:
            kept.append(b"X-Forwarded-For: " + b", ".join(forwarded))
        path = target[len(self.prefix) :] or b"/"
        return b"\r\n".join([b" ".join((method, path, version)), *kept, b"Connection: close"]) + b"\r\n\r\n"

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), HEAD_TIMEOUT)
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ConnectionError):
            writer.close()
            return
        too_long = self.header_limit is not None and any(
            len(line) > self.header_limit for line in head.split(b"\r\n")
        )
        rewritten = None if too_long else self._rewrite(head, writer.get_extra_info("peername")[0])
        if rewritten is None:
            status = b"431 Request Header Fields Too Large" if too_long else b"404 Not Found"
            writer.write(_page(status, b"<html><body><h1>" + status + b"</h1></body></html>\n"))
            with contextlib.suppress(ConnectionError):
                await writer.drain()
            writer.close()
            return
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            writer.close()
            return
        upstream_writer.write(rewritten)
        sending = asyncio.create_task(self._pipe(reader, upstream_writer))
        await self._relay_response(upstream_reader, writer)
        sending.cancel()
        upstream_writer.close()
        writer.close()

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, asyncio.CancelledError):
            while chunk := await reader.read(65536):
                writer.write(chunk)
                await writer.drain()

    @staticmethod
    async def _relay_response(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Pass the gateway's answer on, with `Connection: close` (one request per connection)."""
        with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            head = await reader.readuntil(b"\r\n\r\n")
            lines = [
                line
                for line in head[:-4].split(b"\r\n")
                if line.partition(b":")[0].strip().lower() not in HOP_BY_HOP
            ]
            writer.write(b"\r\n".join([*lines, b"Connection: close"]) + b"\r\n\r\n")
            while chunk := await reader.read(65536):
                writer.write(chunk)
            await writer.drain()
