"""Proxies that break the transport in front of a reference gateway, as a badly set up one would.

`python -m tests.broken_gateways.proxy NAME:MODE:PORT...` listens on one loopback port per NAME and
forwards each connection to the gateway on 127.0.0.1:PORT. It prints `proxy NAME URL` for each,
then a `Listening at` line and the reference's ready line. Modes:

- one-at-a-time: serves one connection at a time, so a stalled client holds up every other one;
- no-head-timeout: reads each request's line and headers whole before connecting, and waits for them
  without a deadline;
- html-head-limit: answers a request whose line and headers pass 8 KiB with an HTML page, as web
  servers do by default.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable

from reference_server.server.announce import READY_LINE

HEAD_END = b"\r\n\r\n"
HTML_HEAD_LIMIT = 8192
_PAGE = b"<html><head><title>400 Bad Request</title></head><body>Request Header Too Large</body></html>"
HTML_TOO_LARGE = (
    b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\nConnection: close\r\n"
    + f"Content-Length: {len(_PAGE)}\r\n\r\n".encode()
    + _PAGE
)
Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        writer.close()


async def forward(client: tuple, port: int, first: bytes = b"") -> None:
    """Connect to the gateway, send `first`, then copy bytes both ways until both sides are done."""
    reader, writer = client
    try:
        upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        writer.close()
        return
    upstream_writer.write(first)
    await asyncio.gather(_pipe(reader, upstream_writer), _pipe(upstream_reader, writer))


def one_at_a_time(port: int) -> Handler:
    """Connections wait their turn: each holds the gateway until it closes."""
    turn = asyncio.Lock()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        async with turn:
            await forward((reader, writer), port)

    return handle


def no_head_timeout(port: int) -> Handler:
    """The head is buffered whole, however long it takes, before the gateway sees a byte."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = b""
        while HEAD_END not in head:
            data = await reader.read(65536)
            if not data:
                writer.close()
                return
            head += data
        await forward((reader, writer), port, head)

    return handle


def html_head_limit(port: int) -> Handler:
    """Bytes pass through at once, but a head past 8 KiB gets an HTML 400 page."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = b""
        while HEAD_END not in head and len(head) <= HTML_HEAD_LIMIT:
            data = await reader.read(65536)
            if not data:
                writer.close()
                return
            head += data
        if HEAD_END not in head[: HTML_HEAD_LIMIT + len(HEAD_END)]:
            writer.write(HTML_TOO_LARGE)
            await writer.drain()
            writer.close()
            return
        await forward((reader, writer), port, head)

    return handle


MODES = {
    "one-at-a-time": one_at_a_time,
    "no-head-timeout": no_head_timeout,
    "html-head-limit": html_head_limit,
}


async def serve(specs: list[str]) -> None:
    """Listen for each NAME:MODE:PORT and forward until stopped."""
    servers = []
    for spec in specs:
        name, mode, port = spec.split(":")
        server = await asyncio.start_server(MODES[mode](int(port)), "127.0.0.1", 0)
        servers.append(server)
        print(f"proxy {name} http://127.0.0.1:{server.sockets[0].getsockname()[1]}", flush=True)
    print(f"Listening at http://127.0.0.1:{servers[0].sockets[0].getsockname()[1]}\n{READY_LINE}", flush=True)
    await asyncio.gather(*(server.serve_forever() for server in servers))


if __name__ == "__main__":
    try:
        asyncio.run(serve(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(0)
