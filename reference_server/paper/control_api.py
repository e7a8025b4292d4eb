"""The test-control API (schema/control-api.yaml): arrange accounts, quotes and the clock; read trades.

Registered only when the gateway has a control token, and every request must carry it.
"""

from __future__ import annotations

import hmac
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

from reference_server.config import BODY_LIMIT_BYTES, ConfigError, check_webhook_settings
from reference_server.db import get_db, immediate_transaction
from reference_server.paper import store as paper_store
from reference_server.paper.clock import set_clock
from reference_server.paper.codec import (
    InvalidMember,
    account_from,
    account_json,
    decimal,
    number,
    quote_from,
    quote_json,
    settings_from_json,
    settings_json,
)
from reference_server.paper.control_errors import Problem, pointer_of, problem_in_words, schema_problems
from reference_server.paper.instruments import traded_symbol
from reference_server.paper.trading import fill_waiting_orders, run_due_trades
from reference_server.webhook import signal_log
from reference_server.webhook.api import ALL_METHODS
from reference_server.webhook.rate_limit import reset_limits
from reference_server.webhook.store import (
    create_webhook,
    current_hash_key,
    delete_webhooks,
    find_webhook,
    rotate_password,
)
from webhook_spec.openapi import CONTROL_API, scenario_rate_limits, webhook_path
from webhook_spec.parsing import BodyError, parse_body
from webhook_spec.validation import json_kind

bp = Blueprint("control", __name__, url_prefix="/control")
MAX_LOG_ENTRIES = 10000


class ControlError(Exception):
    """A control request the API refuses; rendered as the shared error shape."""

    def __init__(self, status: int, code: str, message: str, errors: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.errors = status, code, message, errors


@bp.errorhandler(ControlError)
def _refused(error: ControlError) -> Response:
    body: dict[str, Any] = {"success": False, "messageCode": error.code, "message": error.message}
    if error.errors:
        body["errors"] = [problem.as_json() for problem in error.errors]
    response = jsonify(body)
    response.status_code = error.status
    return response


def _invalid(*problems: Problem) -> ControlError:
    """A 400 naming each problem by its JSON pointer (DECISIONS D-080)."""
    message = f"Invalid control request: {problem_in_words(problems[0])}"
    if len(problems) > 1:
        message += f" (and {len(problems) - 1} more)"
    return ControlError(400, "control-invalid-request", message, list(problems))


def _invalid_member(error: InvalidMember, *outer: str | int) -> ControlError:
    """A 400 for a member the paper broker cannot take, at its pointer inside the body."""
    return _invalid(Problem(pointer_of((*outer, *error.path)), str(error)))


@bp.before_request
def _require_token() -> None:
    expected = f"Bearer {current_app.config['GATEWAY'].control_token}"
    if not hmac.compare_digest(request.headers.get("Authorization", "").encode(), expected.encode()):
        raise ControlError(401, "control-unauthorized", "The test-control API needs its bearer token.")


@bp.route(
    "/", defaults={"unknown": ""}, methods=ALL_METHODS, provide_automatic_options=False, strict_slashes=False
)
@bp.route("/<path:unknown>", methods=ALL_METHODS, provide_automatic_options=False)
def _no_such_operation(unknown: str) -> Response:
    """Any other path or method under /control: 404 in the control shape, after the token check."""
    raise ControlError(404, "control-not-found", f"No control operation {request.method} {request.path}.")


def _operation_path() -> str:
    """The matched route in OpenAPI form: /control/accounts/{account_id}."""
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", request.url_rule.rule)


def _too_large() -> ControlError:
    """A 413 for a body over the gateway's limit, the webhook's (D-010), in the control API's words."""
    message = f"The control request's body is larger than the {BODY_LIMIT_BYTES} bytes the gateway accepts."
    return ControlError(413, "control-payload-too-large", message)


@bp.errorhandler(RequestEntityTooLarge)
def _refused_too_large(_error: RequestEntityTooLarge) -> Response:
    """Flask's 413 (a body over MAX_CONTENT_LENGTH) in the control shape, not the webhook's."""
    return _refused(_too_large())


def _body() -> dict[str, Any]:
    """The JSON body, checked against its schema in schema/control-api.yaml."""
    raw = request.get_data()
    if len(raw) > BODY_LIMIT_BYTES:  # Flask's limit is one byte over (see reference_server.create_app)
        raise _too_large()
    try:  # the webhook's strict parser: no NaN, Infinity or numbers beyond the double range
        body = parse_body(raw)
    except BodyError as error:
        found = "the body is empty" if error.code == "empty-json" else f"the body is not JSON: {error}"
        raise _invalid(Problem("", f"{found}; it must be a JSON object")) from None
    if not isinstance(body, dict):
        raise _invalid(Problem("", f"the body must be a JSON object, not {json_kind(body)}"))
    validator = CONTROL_API.request_validator(_operation_path(), request.method)
    problems = [] if validator is None else schema_problems(validator.iter_errors(body))
    if problems:
        raise _invalid(*problems)
    return body


@bp.post("/reset")
def reset() -> Response:
    """Forget the signal log, trades, accounts, quotes, the clock and control-created webhooks."""
    db = get_db()
    with immediate_transaction(db):
        signal_log.clear(db)
        delete_webhooks(db, "control")
        paper_store.reset(db)
    reset_limits()
    return jsonify({"success": True})


def _webhook_settings(body: dict[str, Any]) -> dict[str, Any]:
    try:
        return check_webhook_settings({"rate_limits": scenario_rate_limits()} | body, "webhook")
    except ConfigError as error:  # "webhook.ip_addresses: what is wrong" or "webhook: what is wrong"
        where, _, message = str(error).partition(": ")
        member = where.partition(".")[2]
        raise _invalid(Problem(pointer_of(member.split(".") if member else ()), message)) from None


def _subscriptions(body: dict[str, Any]) -> list[tuple[dict, Decimal | None]]:
    result = []
    for index, entry in enumerate(body.get("subscriptions", [{}])):
        settings = entry.get("settings", {})
        try:
            settings_from_json(settings)
        except InvalidMember as error:
            raise _invalid_member(error, "subscriptions", index, "settings") from None
        equity = decimal(entry.get("account", {}).get("equity", paper_store.DEFAULT_EQUITY))
        result.append((settings, equity))
    return result


@bp.post("/webhooks")
def create() -> tuple[Response, int]:
    """Create a webhook with its restrictions and subscriptions (each with a fresh account)."""
    body = _body()
    settings, subscriptions = _webhook_settings(body), _subscriptions(body)
    db = get_db()
    with immediate_transaction(db):
        uuid, password = create_webhook(db, current_hash_key(), origin="control", **settings)
        created = [
            paper_store.add_subscription(db, uuid, settings, equity) for settings, equity in subscriptions
        ]
    answer = {
        "uuid": uuid,
        "password": password,
        "path": webhook_path(uuid, password),
        "subscriptions": [{"id": s.id, "account_id": s.account_id} for s in created],
    }
    return jsonify(answer), 201


@bp.get("/webhooks/<uuid>")
def get_webhook(uuid: str) -> Response:
    """A webhook's restrictions and its subscriptions with their effective settings (defaults filled in)."""
    db = get_db()
    webhook = find_webhook(db, uuid)
    if webhook is None:
        raise ControlError(404, "control-not-found", f"No webhook {uuid}.")
    tickers = webhook.allowed_tickers
    answer = {
        "uuid": webhook.uuid,
        "asset_class": webhook.asset_class,
        "allowed_tickers": None if tickers is None else sorted(tickers),
        "limit_to": webhook.limit_to,
        "ip_addresses": list(webhook.ip_addresses),
        "rate_limits": webhook.rate_limits,
        "subscriptions": [
            {
                "id": subscription.id,
                "account_id": subscription.account_id,
                "settings": settings_json(settings_from_json(subscription.settings)),
            }
            for subscription in paper_store.subscriptions_of(db, webhook.uuid)
        ],
    }
    return jsonify(answer)


@bp.post("/webhooks/<uuid>/rotate")
def rotate(uuid: str) -> Response:
    """Give a webhook a new password; the old one stays valid for `grace_seconds` (D-060)."""
    grace = timedelta(seconds=_body().get("grace_seconds", 0))
    db = get_db()
    webhook = find_webhook(db, uuid)
    if webhook is None or webhook.origin == "config":  # config webhooks change only in their file
        raise ControlError(404, "control-not-found", f"No webhook {uuid} was created here.")
    password, until = rotate_password(db, current_hash_key(), webhook.uuid, grace)
    answer = {
        "uuid": webhook.uuid,
        "password": password,
        "path": webhook_path(webhook.uuid, password),
        "previous_valid_until": until and until.isoformat(),
    }
    return jsonify(answer)


def _account_or_404(account_id: str) -> None:
    if not paper_store.account_exists(get_db(), account_id):
        raise ControlError(404, "control-not-found", f"No account {account_id}.")


def _run_due_trades() -> None:
    """Let pending (delayed) trades whose time has come run before anything is read."""
    run_due_trades(get_db(), current_app.extensions["ticker_database"])


@bp.get("/accounts/<account_id>")
def get_account(account_id: str) -> Response:
    """An account's equity, positions and open orders."""
    _account_or_404(account_id)
    _run_due_trades()
    account, roles = paper_store.load_account(get_db(), account_id)
    return jsonify(account_json(account_id, account, roles))


@bp.put("/accounts/<account_id>")
def put_account(account_id: str) -> Response:
    """Replace the parts of an account the body names: equity, positions, open orders."""
    _account_or_404(account_id)
    body, db = _body(), get_db()
    with immediate_transaction(db):
        account, roles = paper_store.load_account(db, account_id)
        try:
            account = account_from(body, account)
        except InvalidMember as error:
            raise _invalid_member(error) from None
        ids = [order.id for order in account.open_orders]
        for taken in paper_store.order_ids_elsewhere(db, account_id, ids):
            message = f"the id '{taken}' is an open order of another account already"
            raise _invalid(Problem(pointer_of(("open_orders", ids.index(taken), "id")), message))
        paper_store.save_account(db, account_id, account, roles)
    return get_account(account_id)


def _path_symbol(symbol: str) -> str:
    """The path's symbol in the form signals trade it; a 400 when nothing is left of it once trimmed."""
    traded = traded_symbol(symbol)
    if not traded:
        raise _invalid(Problem("", f"the symbol {symbol!r} in the path is blank: a symbol needs a character"))
    return traded


@bp.put("/quotes/<symbol>")
def put_quote(symbol: str) -> Response:
    """Set a symbol's quote (bid, ask, last; any may be null); market orders waiting for one fill."""
    quote = quote_from(_body())
    if quote.bid is not None and quote.ask is not None and quote.bid > quote.ask:
        message = (
            f"the bid {number(quote.bid)} is above the ask {number(quote.ask)}; a bid is at most the ask"
        )
        raise _invalid(Problem("/bid", message))
    symbol, db = _path_symbol(symbol), get_db()
    with immediate_transaction(db):
        paper_store.set_quote(db, symbol, quote)
        fill_waiting_orders(db, symbol, quote)
    return jsonify(quote_json(symbol, quote))


@bp.delete("/quotes/<symbol>")
def delete_quote(symbol: str) -> Response:
    """Remove a symbol's quote."""
    symbol, db = _path_symbol(symbol), get_db()
    with immediate_transaction(db):
        paper_store.set_quote(db, symbol, None)
    return jsonify({"success": True})


@bp.put("/clock")
def put_clock() -> Response:
    """Fix the gateway's clock at an instant, or let it run (null)."""
    now = _body().get("now")
    moment = None if now is None else datetime.fromisoformat(now.upper().replace("Z", "+00:00"))
    # the clock is kept in UTC: 9999-12-31T23:59:59-01:00 is in the year 10000 there, 0001-01-01T00:00+01:00
    # in the year 0
    try:
        _ = moment and moment.astimezone(UTC)
    except OverflowError:
        early = moment is not None and moment.year == 1
        bound = "earlier than 0001-01-01T00:00:00Z" if early else "later than 9999-12-31T23:59:59Z"
        raise _invalid(Problem("/now", f"'{now}' is {bound}")) from None
    db = get_db()
    with immediate_transaction(db):
        set_clock(db, moment)
    _run_due_trades()
    return jsonify({"now": None if moment is None else moment.isoformat()})


@bp.get("/trades")
def trades() -> Response:
    """The trades a signal caused, by ?signal_id= or ?log_id=."""
    signal_id, log_id = request.args.get("signal_id"), request.args.get("log_id")
    if not signal_id and not log_id:
        raise _invalid(Problem("", "give the query parameter signal_id or log_id"))
    if signal_id and log_id:
        raise _invalid(Problem("", "give one of the query parameters signal_id and log_id, not both"))
    _run_due_trades()
    return jsonify({"trades": paper_store.trades_of(get_db(), signal_id=signal_id, log_id=log_id)})


@bp.get("/log")
def log() -> Response:
    """The signal log, newest first, for one webhook or all."""
    try:
        limit = int(request.args.get("limit", 100))
    except ValueError:
        limit = 0
    if not 1 <= limit <= MAX_LOG_ENTRIES:
        raise _invalid(
            Problem("", f"the query parameter limit must be a whole number from 1 to {MAX_LOG_ENTRIES}")
        )
    entries = signal_log.read_entries(get_db(), request.args.get("webhook"), limit)
    return jsonify({"entries": [entry.as_json() for entry in entries]})
