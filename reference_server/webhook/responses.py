"""JSON responses in the shapes schema/openapi.yaml documents, and handlers so nothing else leaks out."""

from __future__ import annotations

import json
import logging
from typing import Any, NamedTuple

from flask import Flask, Response
from werkzeug.exceptions import HTTPException

from webhook_spec import SignalError
from webhook_spec.catalogue import error_code

_logger = logging.getLogger(__name__)

# Werkzeug's own HTTP errors, answered with the catalogue code that covers them.
_HTTP_ERROR_CODES = {
    404: "not-found",
    405: "post-required",
    413: "payload-too-large",
    429: "too-many-requests",
}


def error_body(code: str, log_id: str | None = None, problem: SignalError | None = None) -> dict[str, Any]:
    """`{success: false, messageCode, message, logId?, pointer?, detail?}` for a catalogued code.

    The message stays the catalogue's; `pointer` and `detail` name the field at fault, when the
    validation function found one (D-070).
    """
    body: dict[str, Any] = {"success": False, "messageCode": code, "message": error_code(code).message}
    if log_id is not None:
        body["logId"] = log_id
    if problem is not None and problem.pointer is not None:
        body["pointer"] = problem.pointer
        body["detail"] = problem.detail
    return body


class Answer(NamedTuple):
    """A JSON answer as the pipeline makes it: its status, body and other headers than the type."""

    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


# Compact, keys in order, ASCII: as Flask's jsonify writes JSON. One encoder: json.dumps with an
# option makes one per call.
compact_json = json.JSONEncoder(separators=(",", ":")).encode


def _json(value: dict[str, Any]) -> bytes:
    # As Flask's jsonify writes it, with a final newline.
    return compact_json(value).encode() + b"\n"


def error_answer(
    code: str,
    log_id: str | None = None,
    headers: dict[str, str] | None = None,
    problem: SignalError | None = None,
) -> Answer:
    """The error body of `code` with the code's catalogued status."""
    body = _json(error_body(code, log_id, problem))
    return Answer(error_code(code).status, body, tuple((headers or {}).items()))


def accepted_answer(signal_id: str, log_id: str, payload_json: str) -> Answer:
    """`{success: true, id, logId, payload}` with status 200, around the payload as the log wrote it.

    The signal is serialized once, before its record is committed: a signal that cannot be
    serialized is refused then, and an accepted one is never answered 500 afterwards.
    """
    ids = f'"id":{compact_json(signal_id)},"logId":{compact_json(log_id)}'
    return Answer(200, f'{{"success":true,{ids},"payload":{payload_json}}}\n'.encode())


def as_response(answer: Answer) -> Response:
    """The answer as a Flask response."""
    return Response(answer.body, answer.status, list(answer.headers), mimetype="application/json")


def error_response(
    code: str,
    log_id: str | None = None,
    headers: dict[str, str] | None = None,
    problem: SignalError | None = None,
) -> Response:
    """The error body of `code` with the code's catalogued status, as a Flask response."""
    return as_response(error_answer(code, log_id, headers, problem))


def _http_error(error: HTTPException) -> Response:
    return error_response(_HTTP_ERROR_CODES.get(error.code or 400, "malformed-json"))


def _unexpected_error(error: Exception) -> Response:
    # A bug, never an input's fault: log it, and still answer in the documented JSON shape.
    _logger.exception("unexpected error", exc_info=error)
    return error_response("internal-error")


def register_error_handlers(app: Flask) -> None:
    """Answer every error, including Werkzeug's and unexpected ones, with catalogued JSON."""
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)
