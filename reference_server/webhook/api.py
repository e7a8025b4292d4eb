"""The webhook endpoint blueprint: POST /trading/webhook/{uuid}/{password} (WEBHOOK_PATH)."""

from __future__ import annotations

from flask import Blueprint, Response

from reference_server.webhook.pipeline import receive_signal
from webhook_spec.openapi import WEBHOOK_PATH

# Every method reaches the view, so that non-POST requests get the documented post-required.
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
WEBHOOK_RULE = WEBHOOK_PATH.replace("{", "<").replace("}", ">")  # Flask's spelling of the path

bp = Blueprint("webhook", __name__)


# strict_slashes: a webhook is only at its exact path, so `.../PASSWORD/` is not-found (D-061).
@bp.route(
    WEBHOOK_RULE,
    methods=ALL_METHODS,
    provide_automatic_options=False,
    strict_slashes=True,
)
def receive(uuid: str, password: str) -> Response:
    """Receive one trading signal."""
    return receive_signal(uuid, password)
