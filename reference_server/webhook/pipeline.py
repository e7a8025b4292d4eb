"""The webhook request pipeline, stage by stage in the documented order (DECISIONS D-016).

`receive_signal` lists the stages. Each check answers the request with its catalogued error, logged
when the webhook is known, or lets it through; an accepted signal is committed to the log before its
200. The pipeline reaches paper trading only through the hooks of webhook/hooks.py.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any, NamedTuple

from flask import current_app

from reference_server.config import BODY_LIMIT_BYTES
from reference_server.db import get_db
from reference_server.webhook.failed_auth import count_flooded, hit_failed_auth_limits
from reference_server.webhook.hooks import current_hooks
from reference_server.webhook.ids import uuid7
from reference_server.webhook.rate_limit import (
    UNAVAILABLE_RETRY_AFTER,
    RateLimitUnavailable,
    hit_webhook_limits,
)
from reference_server.webhook.responses import Answer, accepted_answer, error_answer
from reference_server.webhook.signal_log import LogEntry, LogWriteError, log_accepted, log_entry, new_entry
from reference_server.webhook.sources import client_address, source_error
from reference_server.webhook.store import Webhook, authenticate, current_hash_key, find_webhook
from reference_server.webhook.tickers import check_ticker
from webhook_spec import Signal, SignalError, validate_body
from webhook_spec.catalogue import error_code
from webhook_spec.content_coding import DECODED_CODINGS, UNSUPPORTED, read_decoded

_logger = logging.getLogger(__name__)


class Incoming(NamedTuple):
    """What the pipeline reads of a request, whatever serves it: its method, the peer's address, its
    X-Forwarded-For and Content-Encoding headers, and a reader of its body as sent that gives the
    bytes or the code of why not."""

    method: str
    remote_addr: str
    forwarded_for: str | None
    content_encoding: str | None
    read_body: Callable[[], bytes | str]


class Valid(NamedTuple):
    """A request that passed every check: its body, and the normalized signal it carries."""

    body: bytes
    signal: dict[str, Any]


def receive_signal(webhook_uuid: str, password: str, incoming: Incoming) -> Answer:
    """Run one webhook request through every stage and answer it (in an app context)."""
    if incoming.method != "POST":
        return error_answer("post-required")
    webhook = find_webhook(get_db(), webhook_uuid)
    if webhook is None:
        return error_answer("not-found")
    entry = _received(webhook, password, incoming)
    refused = (
        _check_password(webhook, entry) or _check_source(webhook, entry) or _check_rate_limit(webhook, entry)
    )
    if refused is not None:
        return refused
    valid = _validate(webhook, entry, incoming)  # body coding and size, JSON, schema, ticker
    return valid if isinstance(valid, Answer) else _accept(webhook, entry, valid)


def _received(webhook: Webhook, password: str, incoming: Incoming) -> LogEntry:
    """The request's record so far: when (on the hooks' clock), from where, and which password it gave."""
    config = current_app.config["GATEWAY"]
    address = client_address(incoming.remote_addr, incoming.forwarded_for, config.trusted_proxies)
    received_at = current_hooks().clock()
    matched = authenticate(get_db(), current_hash_key(), webhook, password)
    return new_entry(webhook.uuid, address, received_at, matched)


def _reject(
    entry: LogEntry,
    code: str,
    body: bytes | None = None,
    headers: dict | None = None,
    problem: SignalError | None = None,
) -> Answer:
    log_entry(replace(entry, status=error_code(code).status, message_code=code, body=body))
    return error_answer(code, entry.log_id, headers, problem)


def _check_password(webhook: Webhook, entry: LogEntry) -> Answer | None:
    if entry.matched_password is not None:
        return None
    retry_after = hit_failed_auth_limits(webhook.uuid, entry.source_address)  # none of its passwords (D-060)
    if retry_after is not None:  # a flood: counted, not logged row by row (D-054)
        count_flooded(entry)
        return error_answer("too-many-requests", headers={"Retry-After": str(retry_after)})
    return _reject(entry, "invalid-password")


def _check_source(webhook: Webhook, entry: LogEntry) -> Answer | None:
    code = source_error(webhook.limit_to, webhook.ip_addresses, entry.source_address)
    return None if code is None else _reject(entry, code)


def _check_rate_limit(webhook: Webhook, entry: LogEntry) -> Answer | None:
    try:
        retry_after = hit_webhook_limits(webhook.uuid, webhook.rate_limits)
    except RateLimitUnavailable:  # fail closed (D-053)
        return _reject(entry, "rate-limit-unavailable", headers={"Retry-After": str(UNAVAILABLE_RETRY_AFTER)})
    if retry_after is not None:
        return _reject(entry, "too-many-requests", headers={"Retry-After": str(retry_after)})
    return None


def _validate(webhook: Webhook, entry: LogEntry, incoming: Incoming) -> Valid | Answer:
    """The body and its normalized signal, or the refusal of its coding, size, JSON, schema or ticker."""
    body = read_decoded(incoming.content_encoding, incoming.read_body, BODY_LIMIT_BYTES)
    if isinstance(body, str):
        headers = {"Accept-Encoding": ", ".join(DECODED_CODINGS)} if body == UNSUPPORTED else None
        return _reject(entry, body, headers=headers)
    outcome = validate_body(body)
    if not isinstance(outcome, Signal):
        return _reject(entry, outcome.code, body, problem=outcome)
    code = check_ticker(
        outcome.normalized,
        asset_class=webhook.asset_class,
        allowed_tickers=webhook.allowed_tickers,
        database=current_app.extensions["ticker_database"],
    )
    return _reject(entry, code, body) if code is not None else Valid(body, outcome.normalized)


def _accept(webhook: Webhook, entry: LogEntry, valid: Valid) -> Answer:
    """Commit the signal to the log, hand a new one (not a replay) to the on-accepted hook, answer 200."""
    accepted = replace(
        entry, outcome="accepted", status=200, signal_id=uuid7(), body=valid.body, signal=valid.signal
    )
    try:
        accepted, payload = log_accepted(accepted)  # committed before the 200: nothing accepted is lost
    except LogWriteError:  # this record alone: logged in a form that can be written, answered 500
        _logger.exception("the signal log could not hold an accepted signal")
        return _reject(entry, "internal-error", valid.body)
    if accepted.replay_of is None:  # a replay was handed on as its original (D-055)
        _hand_on(webhook, accepted)
    return accepted_answer(accepted.signal_id, accepted.log_id, payload)


def _hand_on(webhook: Webhook, accepted: LogEntry) -> None:
    """Run the on-accepted hook; a failure there is logged, and the signal stays accepted."""
    try:
        current_hooks().on_accepted(webhook, accepted)
    except Exception:
        _logger.exception("the on-accepted hook failed for signal %s", accepted.signal_id)
