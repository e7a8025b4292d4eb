"""An HTTP/1.1 relay over asyncio streams: each client connection gets its own upstream connection, and
every request and response is passed on as it arrives, unchanged but for the client's address appended
to X-Forwarded-For. Each complete exchange is handed to an observer, with the bytes of its bodies that
checking needs.

A request line and headers are passed on line by line, so an upstream's read timeouts still see a slow
client; bodies are passed on chunk by chunk. A request the relay cannot frame (a malformed head, broken
chunked framing) is passed on as raw bytes both ways, unobserved, so the upstream answers it itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from requests.structures import CaseInsensitiveDict

from conformance.client import Exchange
from conformance.redaction import redact_webhook_paths
from conformance.target import split_url

LINE_LIMIT = 1 << 20  # bytes of a request line, a header line or a response head (64 KiB headers pass)
READ_SIZE = 1 << 16
SEND_GRACE = 1.0  # seconds a request body's forwarding may take to end after its response has come
FORWARDED_FOR = b"x-forwarded-for"
BAD_GATEWAY_CODE = "upstream-unreachable"  # the proxy's own 502: no catalogue code, the gateway said nothing
_NO_BODY_STATUSES = frozenset({204, 304})


class FramingError(ValueError):
    """The bytes are not HTTP/1.1 the relay can frame."""


@dataclass(frozen=True)
class Upstream:
    """Where the relay connects: scheme, host and port of the gateway's base URL."""

    scheme: str
    host: str
    port: int

    @classmethod
    def parse(cls, url: str) -> Upstream:
        """The upstream of `url` (http or https, no path); ValueError saying why it is unusable."""
        parts = split_url(url, f"--upstream {url!r}")
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"--upstream {url!r}: give an http:// or https:// URL")
        if parts.path not in ("", "/") or parts.query or parts.fragment:
            raise ValueError(f"--upstream {url!r}: give the gateway's base URL, without a path")
        return cls(parts.scheme, parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))

    @property
    def base_url(self) -> str:
        """`scheme://host:port`, for the URLs of the exchanges and their curl reproductions."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"

    async def connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        """A new connection (OSError when the upstream cannot be reached)."""
        loop = asyncio.get_running_loop()
        context = ssl.create_default_context() if self.scheme == "https" else None
        reader = asyncio.StreamReader(limit=LINE_LIMIT, loop=loop)
        protocol = KeepsWhatArrived(reader) if context is None else asyncio.StreamReaderProtocol(reader)
        transport, _ = await loop.create_connection(lambda: protocol, self.host, self.port, ssl=context)
        return reader, asyncio.StreamWriter(transport, protocol, reader, loop)


class KeepsWhatArrived(asyncio.StreamReaderProtocol):
    """A plain connection's protocol that reads what the peer sent before a failed write ended it.

    An upstream may answer early (413 for a large body) and close while the request body is still
    being passed on: the next write fails, and asyncio drops the connection with the answer unread in
    the socket. Here the bytes already received are read out first, and the answer reaches the client.
    """

    def __init__(self, reader: asyncio.StreamReader) -> None:
        super().__init__(reader)
        self.reader = reader
        self.descriptor = -1

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Note the socket's file descriptor."""
        super().connection_made(transport)
        self.descriptor = transport.get_extra_info("socket").fileno()

    def connection_lost(self, exc: Exception | None) -> None:
        """On a write error, read what is left in the socket (it closes after this), then end the stream."""
        if isinstance(exc, ConnectionError) and self.descriptor >= 0:
            with contextlib.suppress(OSError):
                while data := os.read(self.descriptor, READ_SIZE):
                    self.reader.feed_data(data)
            exc = None
        super().connection_lost(exc)


@dataclass
class Head:
    """A request's or a response's first line and header fields, as received."""

    first_line: bytes
    fields: list[tuple[bytes, bytes]]

    def values(self, name: bytes) -> list[bytes]:
        """The values of every field called `name` (lower case)."""
        return [value for key, value in self.fields if key.lower() == name]

    def tokens(self, name: bytes) -> set[bytes]:
        """The comma-separated tokens of the fields called `name`, lower case."""
        return {token.strip().lower() for value in self.values(name) for token in value.split(b",")}

    def content_length(self) -> int | None:
        """The declared body length, None when there is none; FramingError when it is not one number."""
        values = {value.strip() for value in self.values(b"content-length")}
        if not values:
            return None
        if len(values) > 1 or not next(iter(values)).isdigit():
            raise FramingError("Content-Length is not one number")
        return int(next(iter(values)))

    def chunked(self) -> bool:
        """Whether the body is sent in chunks."""
        return b"chunked" in self.tokens(b"transfer-encoding")

    def dict(self) -> dict[str, str]:
        """The fields as a dict (repeated names joined with commas), for the exchange."""
        fields: dict[str, str] = {}
        for name, value in self.fields:
            key, text = name.decode("latin-1"), value.decode("latin-1")
            fields[key] = f"{fields[key]}, {text}" if key in fields else text
        return fields


def parse_field(line: bytes) -> tuple[bytes, bytes]:
    """A header line's name and value; FramingError when it is not `name: value`."""
    name, colon, value = line.rstrip(b"\r\n").partition(b":")
    if not colon or not name or name != name.strip() or b" " in name:
        raise FramingError(f"not a header field: {line[:80]!r}")
    return name, value.strip()


def forwarded_for(values: list[bytes], peer: str) -> bytes:
    """The X-Forwarded-For line to send: the client's values, then the client's own address."""
    return b"X-Forwarded-For: " + b", ".join([*values, peer.encode("ascii")]) + b"\r\n"


def bad_gateway(reason: str) -> bytes:
    """The relay's 502 in the webhook's JSON error shape, closing the connection."""
    body = json.dumps({"success": False, "messageCode": BAD_GATEWAY_CODE, "message": reason}).encode()
    head = f"HTTP/1.1 502 Bad Gateway\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return head.encode() + b"Connection: close\r\n\r\n" + body


class Kept:
    """The first `limit` bytes of a body that pass through, and how many passed."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.data = bytearray()
        self.size = 0

    def add(self, data: bytes) -> None:
        """Count `data`; keep what fits."""
        if len(self.data) < self.limit:
            self.data += data[: self.limit - len(self.data)]
        self.size += len(data)


async def relay_sized(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, size: int, kept: Kept
) -> None:
    """Pass on exactly `size` bytes."""
    while size:
        data = await reader.read(min(size, READ_SIZE))
        if not data:
            raise asyncio.IncompleteReadError(b"", size)
        writer.write(data)
        kept.add(data)
        size -= len(data)
        await writer.drain()


async def relay_chunked(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, kept: Kept) -> None:
    """Pass on a chunked body as it comes, framing and trailers included, keeping its decoded bytes."""
    while True:
        size_line = await reader.readuntil(b"\n")
        writer.write(size_line)
        try:
            size = int(size_line.split(b";")[0].strip(), 16)
        except ValueError:
            raise FramingError(f"not a chunk size: {size_line[:80]!r}") from None
        if size == 0:
            while (line := await reader.readuntil(b"\n")) not in (b"\r\n", b"\n"):
                writer.write(line)  # a trailer field
            writer.write(line)
            await writer.drain()
            return
        await relay_sized(reader, writer, size, kept)
        end = await reader.readuntil(b"\n")
        writer.write(end)
        if end not in (b"\r\n", b"\n"):
            raise FramingError("a chunk is longer than its size")


async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, kept: Kept | None = None) -> None:
    """Copy bytes until `reader` ends (keeping them in `kept`, if given), then end `writer`'s side."""
    with contextlib.suppress(ConnectionError, OSError):
        while data := await reader.read(READ_SIZE):
            writer.write(data)
            if kept is not None:
                kept.add(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()


async def _read_head(reader: asyncio.StreamReader) -> tuple[bytes, Head, int]:
    """A response's head as received, parsed, and its status (a response head is read whole: the
    upstream sends it at once). FramingError when it is no HTTP/1.1 response head."""
    raw = await reader.readuntil(b"\r\n\r\n")
    first, *lines = raw[:-4].split(b"\r\n")
    head = Head(first, [parse_field(line) for line in lines])
    parts = first.split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/") or not parts[1].isdigit() or len(parts[1]) != 3:
        raise FramingError(f"not a status line: {first[:80]!r}")
    return raw, head, int(parts[1])


def _gone(reader: asyncio.StreamReader) -> bool:
    """Whether the peer of `reader` closed or broke its connection."""
    return reader.at_eof() or reader.exception() is not None


async def _finished(sending: asyncio.Task) -> bool:
    """Whether a request body was all passed on, waiting up to SEND_GRACE for its last write."""
    await asyncio.wait({sending}, timeout=SEND_GRACE)
    if not sending.done():
        sending.cancel()
        return False
    return not sending.cancelled() and sending.exception() is None and sending.result()


Observer = Callable[[Exchange, int], None]  # an exchange and its request body's whole size
UpstreamDown = Callable[[str, str], None]  # a request line (redacted) and why the upstream was not reached


class Relay:
    """Serves client connections, relaying each to its own upstream connection."""

    def __init__(
        self,
        upstream: Upstream,
        observe: Observer,
        upstream_down: UpstreamDown,
        request_keep: int,
        response_keep: int = LINE_LIMIT,
    ) -> None:
        self.upstream = upstream
        self.observe = observe
        self.upstream_down = upstream_down
        self.request_keep = request_keep  # bytes of a request body kept for checking
        self.response_keep = response_keep

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Relay one client connection's requests in turn until either side closes it."""
        peer = writer.get_extra_info("peername")[0]
        upstream: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        try:
            while True:
                request_line = await reader.readuntil(b"\n")
                if request_line in (b"\r\n", b"\n"):
                    continue  # an empty line between requests
                if upstream is None or upstream[0].at_eof():
                    upstream = await self._connect(request_line, writer)
                    if upstream is None:
                        return
                if not await self._relay_request(request_line, peer, (reader, writer), upstream):
                    return
        except (
            asyncio.IncompleteReadError,
            asyncio.LimitOverrunError,
            FramingError,
            ConnectionError,
            OSError,
        ):
            return  # a side went away or broke the connection, or sent what cannot be framed: it ends
        finally:
            writer.close()
            if upstream is not None:
                upstream[1].close()

    async def _connect(
        self, request_line: bytes, client: asyncio.StreamWriter
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        try:
            return await self.upstream.connect()
        except OSError as error:
            reason = f"the gateway at {self.upstream.base_url} cannot be reached: {error.strerror or error}"
            self.upstream_down(redact_webhook_paths(request_line.decode("latin-1").strip()), reason)
            client.write(bad_gateway(reason))
            await client.drain()
            return None

    async def _tunnel(self, client: tuple, upstream: tuple, buffered: bytes = b"") -> bool:
        """Copy raw bytes both ways until both sides are done; never observed. False: the connection ends."""
        upstream[1].write(buffered)
        await asyncio.gather(pipe(client[0], upstream[1]), pipe(upstream[0], client[1]))
        return False

    async def _relay_request(self, request_line: bytes, peer: str, client: tuple, upstream: tuple) -> bool:
        """Relay one request and its response; True when the connection goes on to the next request.

        The response is read from the moment the request line is sent: an upstream may answer before
        the request is complete (a read timeout, a body too large) and the client must get that answer.
        """
        upstream[1].write(request_line)
        parts = request_line.rstrip(b"\r\n").split(b" ")
        if len(parts) != 3 or not parts[2].startswith(b"HTTP/1."):
            return await self._tunnel(client, upstream)
        head, kept = Head(request_line.rstrip(b"\r\n"), []), Kept(self.request_keep)
        started = time.monotonic()
        sending = asyncio.create_task(self._send_rest(head, kept, peer, client[0], upstream[1]))
        answering = asyncio.create_task(self._relay_response(request_line, upstream[0], client[1]))
        try:
            await asyncio.wait({sending, answering}, return_when=asyncio.FIRST_COMPLETED)
            if sending.done() and sending.exception() is not None and _gone(client[0]):
                return False  # the client went away before its request was complete: nobody to answer
            response = await answering
        finally:
            if answering.done() and not answering.cancelled():
                answering.exception()  # retrieved: the error that ended it is the connection's end
            answering.cancel()
            sent = await _finished(sending)
        if response is None:
            return False
        status, response_head, response_body, delimited = response
        # A body not all sent (the upstream answered first) is still judged when its size alone decides.
        if (sent or kept.size >= self.request_keep) and response_body is not None:
            seconds = time.monotonic() - started
            self._observe(parts, head, kept, (status, response_head, response_body, seconds))
        closing = b"close" in head.tokens(b"connection") | response_head.tokens(b"connection")
        persistent = parts[2] == b"HTTP/1.1" or b"keep-alive" in head.tokens(b"connection")
        return sent and delimited and persistent and not closing

    async def _send_rest(
        self, head: Head, kept: Kept, peer: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        """Pass on the request's header lines as they come (its X-Forwarded-For lines merged into one,
        the client's address appended, before the blank line), then its body. Fills in `head` and `kept`.
        False when the framing broke: the rest is then copied raw until the client stops sending."""
        held: list[bytes] = []  # X-Forwarded-For values, sent merged with the client's address
        try:
            while (line := await reader.readuntil(b"\n")) not in (b"\r\n", b"\n"):
                try:
                    name, value = parse_field(line)
                except FramingError:
                    writer.write(line)
                    raise
                if name.lower() == FORWARDED_FOR:
                    held.append(value)
                    continue
                head.fields.append((name, value))
                writer.write(line)
            writer.write(forwarded_for(held, peer) + line)
            head.fields.append((b"X-Forwarded-For", b", ".join([*held, peer.encode("ascii")])))
            await writer.drain()
            length = head.content_length()
            if head.chunked():
                await relay_chunked(reader, writer, kept)
            elif length:
                await relay_sized(reader, writer, length, kept)
            return True
        except FramingError:
            await pipe(reader, writer)
            return False

    async def _relay_response(
        self, request_line: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> tuple[int, Head, bytes | None, bool] | None:
        """Pass the response on (interim 1xx ones first): its status, head, body (None when the relay
        did not keep it whole) and whether its end was framed (False: it ended with the connection).
        None when the upstream sent no response the relay can frame (what it sent is passed on)."""
        method = request_line.split(b" ", 1)[0]
        while True:
            try:
                raw, head, status = await _read_head(reader)
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, FramingError) as error:
                await self._unframed_response(request_line, getattr(error, "partial", b""), reader, writer)
                return None
            writer.write(raw)
            if status == 101:  # switching protocols: bytes both ways from now on
                await pipe(reader, writer)
                return None
            if status >= 200:
                break
        kept, delimited = Kept(self.response_keep), True
        try:
            length = head.content_length()
            if method == b"HEAD" or status in _NO_BODY_STATUSES:
                await writer.drain()
            elif head.chunked():
                await relay_chunked(reader, writer, kept)
            elif length is not None:
                await relay_sized(reader, writer, length, kept)
            else:
                await pipe(reader, writer, kept)
                delimited = False
        except FramingError:
            await pipe(reader, writer)
            return None
        return status, head, bytes(kept.data) if kept.size <= kept.limit else None, delimited

    async def _unframed_response(
        self, request_line: bytes, partial: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        """Pass on what the upstream sent instead of a response head; a 502 when it sent nothing."""
        if partial:
            writer.write(partial)
            await pipe(reader, writer)
            return
        reason = f"the gateway at {self.upstream.base_url} closed the connection without an answer"
        self.upstream_down(redact_webhook_paths(request_line.decode("latin-1").strip()), reason)
        writer.write(bad_gateway(reason))
        await writer.drain()

    def _observe(
        self, parts: list[bytes], head: Head, kept: Kept, response: tuple[int, Head, bytes, float]
    ) -> None:
        status, response_head, response_body, seconds = response
        method, target = parts[0].decode("latin-1"), parts[1].decode("latin-1")
        parsed = urlsplit(target)
        path = (parsed.path or "/") + (f"?{parsed.query}" if parsed.query else "")
        sent_url = self.upstream.base_url + path
        exchange = Exchange(
            method=method,
            url=redact_webhook_paths(sent_url),
            request_headers=head.dict(),
            request_body=bytes(kept.data),
            status=status,
            response_headers=CaseInsensitiveDict(response_head.dict()),
            response_body=response_body,
            elapsed=seconds,
            sent_url=sent_url,
        )
        self.observe(exchange, kept.size)
