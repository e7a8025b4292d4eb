"""HTTP requests to the target, each kept as an exchange for the reports (passwords redacted)."""

from __future__ import annotations

import base64
import http.client
import io
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.cookies import MockRequest, MockResponse, RequestsCookieJar
from requests.structures import CaseInsensitiveDict
from requests.utils import get_netrc_auth
from urllib3 import HTTPHeaderDict, HTTPResponse
from urllib3.exceptions import DecodeError
from urllib3.util.wait import wait_for_read

from conformance.redaction import redact_webhook_paths
from webhook_spec.parsing import parse_body


@dataclass
class Exchange:
    """One request sent and the response received."""

    method: str
    url: str
    request_headers: dict[str, str]
    request_body: bytes
    status: int
    response_headers: CaseInsensitiveDict  # header names are case-insensitive (HTTP/2 sends lower case)
    response_body: bytes
    elapsed: float = 0.0
    sent_url: str = field(default="", repr=False)  # as sent, password included: for the curl reproduction

    def json(self) -> Any:
        """The response body parsed as strict JSON (ValueError when it is not).

        Strict as the gateway is with signals: one UTF-8 JSON text, no duplicate keys, no NaN or
        Infinity, so a response that only a lenient parser reads is caught.
        """
        return parse_body(self.response_body)

    def report(self) -> dict[str, Any]:
        """The exchange as JSON-ready data for the reports."""
        return {
            "request": {
                "method": self.method,
                "url": self.url,
                "headers": self.request_headers,
                "body": body_text(self.request_body),
            },
            "response": {
                "status": self.status,
                "headers": dict(self.response_headers),
                "body": body_text(self.response_body),
                "seconds": round(self.elapsed, 4),
            },
        }


def body_text(body: bytes) -> str | dict[str, str]:
    """A body for a JSON report: its text if UTF-8, else {"base64": ...}."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return {"base64": base64.b64encode(body).decode("ascii")}


@cache
def _environment_settings(url: str) -> tuple[dict[str, str], bool | str, tuple[str, str] | None]:
    """What requests reads from the environment for `url`: its proxies, CA bundle and netrc login."""
    settings = requests.Session().merge_environment_settings(url, {}, None, None, None)
    return settings["proxies"], settings["verify"], get_netrc_auth(url)


def environment_session(url: str) -> requests.Session:
    """A session for requests to `url`'s host that read the environment once, as requests would on every
    request (about 0.3 ms each: the kit sends thousands)."""
    session = requests.Session()
    proxies, session.verify, session.auth = _environment_settings(url)
    session.proxies.update(proxies)
    session.trust_env = False
    return session


class _SourceAddressAdapter(HTTPAdapter):
    """Connects from a chosen local address (to reach the target as a peer it does not trust)."""

    def __init__(self, source_address: str) -> None:
        self.source_address = source_address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs) -> None:
        """Bind every connection to the source address."""
        super().init_poolmanager(*args, source_address=(self.source_address, 0), **kwargs)


class _OneWriteConnection(http.client.HTTPConnection):
    """http.client's connection, sending a request's head and body in one write (one segment, one
    wake-up of the server, where http.client writes them apart)."""

    def _send_output(self, message_body=None, encode_chunked=False) -> None:
        if not isinstance(message_body, bytes) or encode_chunked:
            super()._send_output(message_body, encode_chunked)
            return
        self._buffer.extend((b"", b""))
        head = b"\r\n".join(self._buffer)
        del self._buffer[:]
        self.send(head + message_body)


class PlainHttp:
    """Sends a request requests prepared over one kept-alive connection to a plain-HTTP target, as requests'
    adapter would (the same bytes, the same response headers and body, requests' exceptions), for less CPU:
    TargetClient.send takes 255 µs where it took 420 through requests, for the thousands the kit sends.

    Only for http:// without a proxy (TargetClient decides); requests sends the others.
    """

    @classmethod
    def for_session(
        cls, base_url: str, session: requests.Session, timeout: float | tuple[float, float]
    ) -> PlainHttp | None:
        """The transport for `session`'s requests to `base_url`, or None where requests must send them (https,
        a proxy)."""
        return cls(base_url, timeout) if urlsplit(base_url).scheme == "http" and not session.proxies else None

    def __init__(self, base_url: str, timeout: float | tuple[float, float]) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "", parts.port or 80
        self.connect_timeout, self.read_timeout = (
            timeout if isinstance(timeout, tuple) else (timeout, timeout)
        )
        self.source_address: tuple[str, int] | None = None
        self._connection: _OneWriteConnection | None = None

    def _connected(self, request: requests.PreparedRequest) -> _OneWriteConnection:
        """The kept connection, or a new one when there is none or the target closed it (urllib3's check)."""
        connection = self._connection
        if connection is not None and connection.sock is not None and wait_for_read(connection.sock, 0.0):
            self.close()
            connection = None
        if connection is None:
            connection = self._connection = _OneWriteConnection(
                self.host, self.port, timeout=self.connect_timeout, source_address=self.source_address
            )
        if connection.sock is None:
            try:
                connection.connect()
            except TimeoutError as error:
                self.close()
                raise requests.ConnectTimeout(error, request=request) from None
            except OSError as error:
                self.close()
                raise requests.ConnectionError(error, request=request) from None
            connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            connection.sock.settimeout(self.read_timeout)
        return connection

    def send(
        self, request: requests.PreparedRequest, cookies: RequestsCookieJar | None = None
    ) -> tuple[int, CaseInsensitiveDict, bytes, float]:
        """The response's status, headers and (decoded) body, and the seconds until its head came; the
        cookies it sets go to `cookies`, as requests keeps them in its session."""
        connection = self._connected(request)
        started = time.perf_counter()
        response = self._response(connection, request, request.method or "GET", request.path_url)
        elapsed = time.perf_counter() - started
        headers = HTTPHeaderDict(response.msg.items())
        if cookies is not None and "set-cookie" in headers:
            cookies.extract_cookies(MockResponse(response.msg), MockRequest(request))
        try:
            body = response.read()
        except TimeoutError as error:
            self.close()
            raise requests.ConnectionError(error, request=request) from None
        except (http.client.HTTPException, OSError) as error:
            self.close()
            raise requests.exceptions.ChunkedEncodingError(error, request=request) from None
        if "content-encoding" in headers:
            body = _decoded(body, headers, request)
        return response.status, CaseInsensitiveDict(headers), body, elapsed

    def _response(
        self, connection: _OneWriteConnection, request: requests.PreparedRequest, method: str, url: str
    ) -> http.client.HTTPResponse:
        """Send `request` to `url` (its path: a failure's traceback names it) and read its response's head;
        requests' exception when none comes."""
        try:
            connection.request(method, url, request.body, dict(request.headers))
            return connection.getresponse()
        except TimeoutError as error:
            self.close()
            raise requests.ReadTimeout(error, request=request) from None
        except (http.client.HTTPException, OSError) as error:
            self.close()
            raise requests.ConnectionError(error, request=request) from None

    def close(self) -> None:
        """Close the connection (the next request opens another)."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def _decoded(body: bytes, headers: HTTPHeaderDict, request: requests.PreparedRequest) -> bytes:
    """`body` decoded by its Content-Encoding as urllib3 decodes it for requests."""
    try:
        return HTTPResponse(body=io.BytesIO(body), headers=headers, preload_content=False).read(
            decode_content=True
        )
    except DecodeError as error:
        raise requests.exceptions.ContentDecodingError(error, request=request) from None


class TargetClient:
    """Sends requests to the target and remembers every exchange, in order."""

    def __init__(
        self,
        base_url: str,
        timeout: float | tuple[float, float] = 10.0,  # seconds; (to connect, to read) as requests takes it
        observer: Callable[[str, Exchange], None] | None = None,
    ) -> None:
        self.base_url = base_url  # with the target's path prefix: a request's path is appended to it
        self.timeout = timeout
        self.observer = observer  # told each request's path (password and all) and exchange
        self.session = environment_session(base_url)
        self.exchanges: list[Exchange] = []
        self.plain = PlainHttp.for_session(base_url, self.session, timeout)  # None: requests sends

    def connect_from(self, source_address: str) -> None:
        """Send the following requests from `source_address`."""
        adapter = _SourceAddressAdapter(source_address)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        if self.plain is not None:
            self.plain.close()
            self.plain.source_address = (source_address, 0)

    def send(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> Exchange:
        """Send one request; the password segment of a webhook path never reaches a report."""
        request = requests.Request(method, self.base_url + path, data=body or None, headers=headers or {})
        prepared = self.session.prepare_request(request)
        if self.plain is not None:
            status, response_headers, content, elapsed = self.plain.send(prepared, self.session.cookies)
        else:
            response = self.session.send(prepared, timeout=self.timeout, allow_redirects=False)
            status, content, elapsed = (
                response.status_code,
                response.content,
                response.elapsed.total_seconds(),
            )
            response_headers = CaseInsensitiveDict(response.headers)
        exchange = Exchange(
            method=method,
            url=redact_webhook_paths(self.base_url + path),
            request_headers=dict(prepared.headers),
            request_body=body,
            status=status,
            response_headers=response_headers,
            response_body=content,
            elapsed=elapsed,
            sent_url=self.base_url + path,
        )
        self.exchanges.append(exchange)
        if self.observer is not None:
            self.observer(path, exchange)
        return exchange

    def send_raw(self, start: bytes, wait: float, path: str = "") -> Exchange:
        """Open a connection, send `start` as it is (what requests would not build: an unfinished
        request, an HTTP/1.0 one without Content-Length) and wait up to `wait` seconds for the target
        to answer; an exchange with status 0 when it did not. `path`: the request's path after the
        base URL, when it has one (webhook paths are redacted in the exchange, the request's too)."""
        parts = urlsplit(self.base_url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        raw = socket.create_connection((parts.hostname, port), timeout=wait)
        sock = (
            ssl.create_default_context().wrap_socket(raw, server_hostname=parts.hostname)
            if (parts.scheme == "https")
            else raw
        )
        started = time.monotonic()
        with sock:
            sock.sendall(start)
            response = http.client.HTTPResponse(sock)
            try:
                response.begin()
                status, headers, body = response.status, response.getheaders(), response.read()
            except (OSError, http.client.HTTPException):
                status, headers, body = 0, [], b""
        exchange = Exchange(
            method=start.split(b" ", 1)[0].decode("latin-1") or "(nothing)",
            url=redact_webhook_paths(self.base_url + path),
            request_headers={},
            request_body=redact_webhook_paths(start.decode("latin-1")).encode("latin-1"),
            status=status,
            response_headers=CaseInsensitiveDict(headers),
            response_body=body,
            elapsed=time.monotonic() - started,
            sent_url=self.base_url + path,
        )
        self.exchanges.append(exchange)
        if path and self.observer is not None:
            self.observer(path, exchange)
        return exchange

    def close(self) -> None:
        """Close the connections."""
        self.session.close()
        if self.plain is not None:
            self.plain.close()
