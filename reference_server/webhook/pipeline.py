"""The webhook request pipeline, stage by stage in the documented order (DECISIONS D-016)."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime

from flask import Response, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from reference_server.config import BODY_LIMIT_BYTES
from reference_server.db import get_db
from reference_server.paper.store import now
from reference_server.paper.trading import trade_signal
from reference_server.webhook.failed_auth import count_flooded, hit_failed_auth_limits
from reference_server.webhook.ids import uuid7
from reference_server.webhook.rate_limit import (
    UNAVAILABLE_RETRY_AFTER,
    RateLimitUnavailable,
    hit_webhook_limits,
)
from reference_server.webhook.responses import accepted_response, error_response
from reference_server.webhook.signal_log import LogEntry, LogWriteError, log_accepted, log_entry, new_entry
from reference_server.webhook.sources import client_address, source_error
from reference_server.webhook.store import Webhook, authenticate, current_hash_key, find_webhook
from reference_server.webhook.tickers import TickerDatabase, check_ticker
from webhook_spec import Signal, validate_body
from webhook_spec.catalogue import error_code

_logger = logging.getLogger(__name__)


def _reject(entry: LogEntry, code: str, body: bytes | None = None, headers: dict | None = None) -> Response:
    log_entry(replace(entry, status=error_code(code).status, message_code=code, body=body))
    return error_response(code, entry.log_id, headers)


def _read_body() -> bytes | str:
    """The request body, or the error code when it cannot be had.

    Flask's limit is one byte over ours, so that a chunked body (no Content-Length) one byte too
    long is read rather than silently cut at the limit, and then refused here.
    """
    try:
        body = request.get_data(cache=False)
    except RequestEntityTooLarge:
        return "payload-too-large"
    except Exception as error:  # the server could not read it: broken chunked framing (D-050)
        _logger.warning("unreadable request body: %s", error)
        return "malformed-request"
    return "payload-too-large" if len(body) > BODY_LIMIT_BYTES else body


def _check_access(webhook: Webhook, entry: LogEntry) -> Response | None:
    if entry.matched_password is None:  # the password is none of the webhook's (D-060)
        retry_after = hit_failed_auth_limits(webhook.uuid, entry.source_address)
        if retry_after is not None:  # a flood: counted, not logged row by row (D-054)
            count_flooded(entry)
            return error_response("too-many-requests", headers={"Retry-After": str(retry_after)})
        return _reject(entry, "invalid-password")
    code = source_error(webhook.limit_to, webhook.ip_addresses, entry.source_address)
    if code is not None:
        return _reject(entry, code)
    try:
        retry_after = hit_webhook_limits(webhook.uuid, webhook.rate_limits)
    except RateLimitUnavailable:  # fail closed (D-053)
        return _reject(entry, "rate-limit-unavailable", headers={"Retry-After": str(UNAVAILABLE_RETRY_AFTER)})
    if retry_after is not None:
        return _reject(entry, "too-many-requests", headers={"Retry-After": str(retry_after)})
    return None


def _check_signal(webhook: Webhook, entry: LogEntry) -> Response:
    body = _read_body()
    if isinstance(body, str):
        return _reject(entry, body)
    outcome = validate_body(body)
    if not isinstance(outcome, Signal):
        return _reject(entry, outcome.code, body)
    tickers: TickerDatabase = current_app.extensions["ticker_database"]
    code = check_ticker(
        outcome.normalized,
        asset_class=webhook.asset_class,
        allowed_tickers=webhook.allowed_tickers,
        database=tickers,
    )
    if code is not None:
        return _reject(entry, code, body)
    accepted = replace(
        entry,
        outcome="accepted",
        status=200,
        signal_id=uuid7(),
        body=body,
        signal=outcome.normalized,
    )
    try:
        accepted, payload = log_accepted(accepted)  # committed before the 200: nothing accepted is lost
    except LogWriteError:  # this record alone: logged in a form that can be written, answered 500
        _logger.exception("the signal log could not hold an accepted signal")
        return _reject(entry, "internal-error", body)
    if accepted.replay_of is None and _paper_trading():  # a replay was traded as its original (D-055)
        _trade(webhook, accepted, tickers)
    return accepted_response(accepted.signal_id, accepted.log_id, payload)


def _paper_trading() -> bool:
    """Whether the test-control API is on: only it creates subscriptions and sets the clock."""
    return current_app.config["GATEWAY"].control_token is not None


def _trade(webhook: Webhook, accepted: LogEntry, tickers: TickerDatabase) -> None:
    """Run the accepted signal on the paper broker; a failure there is logged, the signal stays accepted."""
    try:
        trade_signal(get_db(), webhook, accepted.signal_id, accepted.log_id, accepted.signal, tickers)
    except Exception:
        _logger.exception("the trade of signal %s failed", accepted.signal_id)


def receive_signal(webhook_uuid: str, password: str) -> Response:
    """Run one webhook request through every stage and answer it."""
    if request.method != "POST":
        return error_response("post-required")
    webhook = find_webhook(get_db(), webhook_uuid)
    if webhook is None:
        return error_response("not-found")
    config = current_app.config["GATEWAY"]
    address = client_address(
        request.remote_addr or "", request.headers.get("X-Forwarded-For"), config.trusted_proxies
    )
    entry = new_entry(webhook.uuid, address, now(get_db()) if _paper_trading() else datetime.now(UTC))
    entry = replace(entry, matched_password=authenticate(get_db(), current_hash_key(), webhook, password))
    return _check_access(webhook, entry) or _check_signal(webhook, entry)
