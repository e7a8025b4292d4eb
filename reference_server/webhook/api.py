"""The webhook endpoint, POST /trading/webhook/{uuid}/{password} (WEBHOOK_PATH), served two ways.

- the blueprint: a Flask view, for any WSGI server (and Flask's test client);
- `answer_read_request`: the same pipeline for a request the gateway's own server has read whole
  (server/buffered_wsgi.py), without building a WSGI environ or a Flask request (issue 18: about
  a third of an accepted signal's time went there). Every other request goes to the Flask app.
Both answer from `pipeline.receive_signal`, so they answer alike (tests/test_webhook_routes.py).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from flask import Blueprint, Flask, Response, request
from werkzeug.exceptions import RequestEntityTooLarge

from reference_server.webhook.pipeline import Incoming, receive_signal
from reference_server.webhook.responses import Answer, as_response, error_answer
from webhook_spec.openapi import WEBHOOK_PATH, WEBHOOK_PREFIX

_logger = logging.getLogger(__name__)

# Every method reaches the view, so that non-POST requests get the documented post-required.
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
WEBHOOK_RULE = WEBHOOK_PATH.replace("{", "<").replace("}", ">")  # Flask's spelling of the path
# What WEBHOOK_RULE matches: Werkzeug's default converter takes one non-empty segment.
_WEBHOOK_PATTERN = re.compile(re.escape(WEBHOOK_PREFIX) + "([^/]+)/([^/]+)")

bp = Blueprint("webhook", __name__)


def _flask_body() -> bytes | str:
    """The request body, or the error code when it cannot be had.

    Flask's limit is one byte over ours, so that a chunked body (no Content-Length) one byte too
    long is read rather than silently cut at the limit, and then refused by the pipeline.
    """
    try:
        return request.get_data(cache=False)
    except RequestEntityTooLarge:
        return "payload-too-large"
    except Exception as error:  # a WSGI server that streams the body found it unreadable (D-050);
        # the gateway's own server reads bodies whole first and answers broken framing itself (D-063)
        _logger.warning("unreadable request body: %s", error)
        return "malformed-request"


# strict_slashes: a webhook is only at its exact path, so `.../PASSWORD/` is not-found (D-061).
@bp.route(
    WEBHOOK_RULE,
    methods=ALL_METHODS,
    provide_automatic_options=False,
    strict_slashes=True,
)
def receive(uuid: str, password: str) -> Response:
    """Receive one trading signal."""
    incoming = Incoming(
        request.method,
        request.remote_addr or "",
        request.headers.get("X-Forwarded-For"),
        request.headers.get("Content-Encoding"),
        _flask_body,
    )
    return as_response(receive_signal(uuid, password, incoming))


def _header(headers: Sequence[tuple[bytes, bytes]], name: bytes) -> str | None:
    """A header's value, its lines joined by commas as a WSGI environ joins them; None without one."""
    values = [value.decode("latin-1") for key, value in headers if key == name]
    return ",".join(values) if values else None


def answer_read_request(
    app: Flask, path: str, remote_addr: str, headers: Sequence[tuple[bytes, bytes]], body: bytes | None
) -> Answer | None:
    """Answer a POST whose body was read whole (None: declared too large to read) when its decoded
    `path` is a webhook's; None for any other request, which the Flask app then serves. `headers`
    are the request's, names in lower case."""
    match = _WEBHOOK_PATTERN.fullmatch(path)
    if match is None:
        return None
    incoming = Incoming(
        "POST",
        remote_addr,
        _header(headers, b"x-forwarded-for"),
        _header(headers, b"content-encoding"),
        lambda: "payload-too-large" if body is None else body,
    )
    with app.app_context():
        try:
            return receive_signal(match[1], match[2], incoming)
        except Exception:  # a bug, never an input's fault: answered as the Flask app's handler does
            _logger.exception("unexpected error")
            return error_answer("internal-error")


def init_app(app: Flask) -> None:
    """Serve the endpoint: the blueprint, and the answerer of requests read whole."""
    app.register_blueprint(bp)
    app.extensions["answer_read_request"] = lambda *request_parts: answer_read_request(app, *request_parts)
