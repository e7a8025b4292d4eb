"""`webhook-spec lint --serve`: the linter's page and its JSON endpoint, on loopback (D-073)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import sys
from functools import cache
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TextIO

from webhook_spec.lint import fix_template, lint_template, report_to_json

HOST = "127.0.0.1"  # loopback only: the page is for the person at this machine
MAX_BODY = 256 * 1024  # bytes of one POST /lint request
DRAIN_LIMIT = 4 * 1024 * 1024  # bytes of a refused body read and dropped, so the client sees the answer
PAGE_FILE = Path(__file__).with_name("page.html")
LINT_PATH = "/lint"
PAGE_PATHS = ("/", "/index.html")

# The codes of the endpoint's errors, those of the webhook where the meaning is the same (D-073).
_STATUS_CODES = {
    HTTPStatus.BAD_REQUEST: "malformed-request",
    HTTPStatus.NOT_FOUND: "not-found",
    HTTPStatus.METHOD_NOT_ALLOWED: "post-required",
    HTTPStatus.LENGTH_REQUIRED: "malformed-request",
    HTTPStatus.REQUEST_ENTITY_TOO_LARGE: "payload-too-large",
    HTTPStatus.INTERNAL_SERVER_ERROR: "internal-error",
}


class RequestError(Exception):
    """A request the endpoint refuses: its status, code and one sentence."""

    def __init__(self, status: HTTPStatus, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def error_body(code: str, message: str) -> dict[str, Any]:
    """The JSON of a refused request: the webhook's error shape."""
    return {"success": False, "messageCode": code, "message": message}


def template_of(body: bytes) -> str:
    """The template a POST /lint body carries (`{"template": "..."}`), or a RequestError."""
    try:
        document = json.loads(body)
    except ValueError as error:  # UnicodeDecodeError is one
        raise RequestError(
            HTTPStatus.BAD_REQUEST, "malformed-json", f"The body is not JSON: {error}."
        ) from None
    except RecursionError:
        message = "The body is nested deeper than Python's parser goes."
        raise RequestError(HTTPStatus.BAD_REQUEST, "malformed-json", message) from None
    if not isinstance(document, dict) or not isinstance(document.get("template"), str):
        message = 'The body must be a JSON object with the template as a string: {"template": "..."}.'
        raise RequestError(HTTPStatus.BAD_REQUEST, "malformed-request", message)
    try:
        document["template"].encode("utf-8")
    except UnicodeEncodeError as error:  # a lone surrogate escape: as `webhook-spec lint` on a file not UTF-8
        message = f"The template is not text: character {error.start + 1} is half of one (a lone surrogate)."
        raise RequestError(HTTPStatus.BAD_REQUEST, "malformed-request", message) from None
    return document["template"]


def lint_answer(template: str) -> dict[str, Any]:
    """The endpoint's answer: the linter's report as JSON and the template with every fix applied."""
    return {**report_to_json(lint_template(template)), "fixed": fix_template(template)}


def _digest(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


@cache
def page() -> tuple[bytes, str]:
    """The page's bytes and its Content-Security-Policy, which lets only its own script and style run."""
    text = PAGE_FILE.read_text(encoding="utf-8")
    scripts = " ".join(map(_digest, re.findall(r"<script>(.*?)</script>", text, re.DOTALL)))
    styles = " ".join(map(_digest, re.findall(r"<style>(.*?)</style>", text, re.DOTALL)))
    policy = (
        f"default-src 'none'; script-src {scripts}; style-src {styles}; connect-src 'self'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    return text.encode("utf-8"), policy


class LintPageHandler(BaseHTTPRequestHandler):
    """GET / is the page; POST /lint lints the template in the body; anything else a JSON error."""

    server_version = "webhook-spec-lint"
    disable_nagle_algorithm = True  # headers and body are written apart: no delayed-ACK wait between
    timeout = 30  # seconds a connection may sit idle

    def do_GET(self) -> None:
        if self.path in PAGE_PATHS:
            body, policy = page()
            self._send(HTTPStatus.OK, body, "text/html; charset=utf-8", {"Content-Security-Policy": policy})
        elif self.path == LINT_PATH:
            self.send_error(HTTPStatus.METHOD_NOT_ALLOWED, f"{LINT_PATH} takes a POST of the template.")
        else:
            self.send_error(HTTPStatus.NOT_FOUND)

    def do_POST(self) -> None:
        if self.path != LINT_PATH:
            self._drain(self._declared_length())
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        try:
            answer = lint_answer(template_of(self._body()))
        except RequestError as error:
            self._send_json(error.status, error_body(error.code, error.message))
            return
        except Exception as error:  # a linter bug: a JSON answer, never a traceback
            print(f"webhook-spec lint: internal error: {error!r}", file=sys.stderr)
            self.send_error(HTTPStatus.INTERNAL_SERVER_ERROR, "The linter failed on this template.")
            return
        self._send_json(HTTPStatus.OK, answer)

    def _method_not_allowed(self) -> None:
        self.send_error(HTTPStatus.METHOD_NOT_ALLOWED)

    do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_TRACE = do_HEAD = _method_not_allowed

    def _declared_length(self) -> int:
        """The Content-Length, or 0 when there is none that can be read (then nothing is drained)."""
        text = self.headers.get("Content-Length") or ""
        return int(text) if text.isdigit() and "Transfer-Encoding" not in self.headers else 0

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding") is not None or self.headers.get("Content-Length") is None:
            message = "Send the body with a Content-Length (no chunked encoding)."
            raise RequestError(HTTPStatus.LENGTH_REQUIRED, "malformed-request", message)
        text = self.headers["Content-Length"]
        if not text.isdigit():
            raise RequestError(HTTPStatus.BAD_REQUEST, "malformed-request", "Content-Length is not a number.")
        length = int(text)
        if length > MAX_BODY:
            self._drain(length)
            message = f"The body is {length} bytes; the linter takes {MAX_BODY} bytes (256 KiB) at most."
            raise RequestError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "payload-too-large", message)
        return self.rfile.read(length)

    def _drain(self, length: int) -> None:
        """Read and drop a refused body (up to DRAIN_LIMIT), so closing does not reset the connection."""
        left = min(length, DRAIN_LIMIT)
        while left > 0:
            chunk = self.rfile.read(min(left, 1 << 16))
            if not chunk:
                return
            left -= len(chunk)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Every error in JSON, those http.server itself sends too (a bad request line, a long header)."""
        status = HTTPStatus(code)
        text = message or f"{status.phrase}."
        self._send_json(status, error_body(_STATUS_CODES.get(status, "malformed-request"), text))

    def _send_json(self, status: HTTPStatus, document: dict[str, Any]) -> None:
        body = json.dumps(document).encode()
        extra = {"Allow": "POST"} if status == HTTPStatus.METHOD_NOT_ALLOWED else {}
        self._send(status, body, "application/json", extra)

    def _send(self, status: HTTPStatus, body: bytes, content_type: str, headers: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the terminal shows the URL and errors, not every request."""


def serve(port: int = 0, out: TextIO = sys.stdout) -> int:
    """Serve the page on loopback until Ctrl-C; print its URL first. The exit code: 0, or 2 if it cannot."""
    try:
        if not 0 <= port <= 65535:
            raise OSError(0, "a port is 0 to 65535")
        server = ThreadingHTTPServer((HOST, port), LintPageHandler)
    except OSError as error:
        print(f"webhook-spec lint: cannot listen on {HOST}:{port}: {error.strerror}", file=sys.stderr)
        return 2
    server.daemon_threads = True
    print(
        f"Alert-template linter: http://{HOST}:{server.server_port}/ (Ctrl-C stops it)", file=out, flush=True
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("stopped", file=out, flush=True)
    finally:
        server.server_close()
    return 0
