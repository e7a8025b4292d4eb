"""The gunicorn worker: gthread, answering the requests gunicorn itself refuses in the documented JSON shape.

gunicorn writes an HTML page for a request it cannot parse (a request line or header over its
limits, malformed HTTP/1.1) and for a failure outside the app; here they are 400 malformed-request
(D-050) and 500 internal-error, in the shape of every other answer.
"""

from __future__ import annotations

import json
from http import HTTPStatus

from gunicorn import util
from gunicorn.http.errors import (
    ConfigurationProblem,
    InvalidResponseHeader,
    InvalidResponseHeaderName,
    ParseException,
)
from gunicorn.workers.gthread import ThreadWorker

from reference_server.responses import error_body
from webhook_spec.catalogue import error_code

# What the app itself got wrong, though gunicorn's parser raised it.
_SERVER_FAULTS = (ConfigurationProblem, InvalidResponseHeader, InvalidResponseHeaderName)


def error_response_bytes(code: str) -> bytes:
    """A whole HTTP/1.1 response carrying the catalogue's error `code`, closing the connection."""
    status = error_code(code).status
    body = json.dumps(error_body(code)).encode()
    head = (
        f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n"
        "Connection: close\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("latin-1") + body


def is_unreadable_request(error: BaseException) -> bool:
    """Whether gunicorn raised `error` because the client's request is not readable HTTP."""
    return isinstance(error, ParseException) and not isinstance(error, _SERVER_FAULTS)


class GatewayWorker(ThreadWorker):
    """gunicorn's gthread worker with JSON error answers."""

    def handle_error(self, req, client, addr, exc) -> None:
        """Log the failure like gunicorn, then answer it in JSON instead of HTML."""
        if is_unreadable_request(exc):
            self.log.warning("Invalid request from ip=%s: %s", (addr or ("",))[0], exc)
            code = "malformed-request"
        else:
            self.log.exception("Error handling request")
            code = "internal-error"
        try:
            util.write_nonblock(client, error_response_bytes(code))
        except Exception:  # the client may be gone already
            self.log.debug("Failed to send error message.")
