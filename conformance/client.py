"""HTTP requests to the target, each kept as an exchange for the reports (passwords redacted)."""

from __future__ import annotations

import base64
import http.client
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
from requests.structures import CaseInsensitiveDict
from requests.utils import get_netrc_auth

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

    def connect_from(self, source_address: str) -> None:
        """Send the following requests from `source_address`."""
        adapter = _SourceAddressAdapter(source_address)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def send(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> Exchange:
        """Send one request; the password segment of a webhook path never reaches a report."""
        request = requests.Request(method, self.base_url + path, data=body or None, headers=headers or {})
        prepared = self.session.prepare_request(request)
        response = self.session.send(prepared, timeout=self.timeout, allow_redirects=False)
        exchange = Exchange(
            method=method,
            url=redact_webhook_paths(self.base_url + path),
            request_headers=dict(prepared.headers),
            request_body=body,
            status=response.status_code,
            response_headers=CaseInsensitiveDict(response.headers),
            response_body=response.content,
            elapsed=response.elapsed.total_seconds(),
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
        """Close the connection pool."""
        self.session.close()
