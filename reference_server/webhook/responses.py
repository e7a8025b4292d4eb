"""JSON responses in the shapes schema/openapi.yaml documents, and handlers so nothing else leaks out."""

from __future__ import annotations

import json
import logging
from typing import Any

from flask import Flask, Response, current_app, jsonify
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


def error_response(
    code: str,
    log_id: str | None = None,
    headers: dict[str, str] | None = None,
    problem: SignalError | None = None,
) -> Response:
    """The error body of `code` with the code's catalogued status."""
    response = jsonify(error_body(code, log_id, problem))
    response.status_code = error_code(code).status
    response.headers.update(headers or {})
    return response


def accepted_response(signal_id: str, log_id: str, payload_json: str) -> Response:
    """`{success: true, id, logId, payload}` with status 200, around the payload as the log wrote it.

    The signal is serialized once, before its record is committed: a signal that cannot be
    serialized is refused then, and an accepted one is never answered 500 afterwards.
    """
    ids = f'"id":{json.dumps(signal_id)},"logId":{json.dumps(log_id)}'
    return current_app.response_class(
        f'{{"success":true,{ids},"payload":{payload_json}}}\n', mimetype="application/json"
    )


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
