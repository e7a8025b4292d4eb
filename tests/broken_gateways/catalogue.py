"""The catalogue of broken gateways: each a named change of the reference that breaks one rule.

An entry names the requirements (schema/requirements.json) it breaks and how: a kind of kinds.py
with its details, a [gateway] config change, or a proxy in front (proxy.py). The kit is run on it
with the scenarios of those requirements (`kit_args`), and must name one of them as failed.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from conformance.embedded_gateway import LIFTED_RATE_LIMITS, ROLE_WEBHOOKS
from reference_server.webhook.sources import source_error
from reference_server.webhook.symbols import parse_futures, parse_option
from tests.broken_gateways.kinds import (
    Answer,
    AnswerWhen,
    ChangeAnswer,
    ChangeRequest,
    ChangeSignal,
    Delay,
    Kind,
    OwnRateLimit,
    Request,
    RollOnExpiry,
    TradeAs,
    Unchanged,
    WrongPasswordAfterSignal,
    nesting_depth,
    renamed_code,
)
from webhook_spec import SignalError, validate_body
from webhook_spec.signal_schema import resolve, signal_schema

REFERENCE = "reference"
PROPERTY_CASES = 5  # generated cases per property check, for the entries run with them


@dataclass(frozen=True)
class Entry:
    """One broken gateway: what it breaks and how."""

    name: str
    area: str
    description: str
    requirements: tuple[str, ...]
    breaks: Kind = field(default_factory=Unchanged)
    gateway: Mapping[str, Any] = field(default_factory=dict)  # [gateway] config settings changed
    proxy: str | None = None  # a proxy.py mode in front of the gateway
    properties: bool = False  # also run the property checks (PROPERTY_CASES each)
    slow: bool = False  # the scenarios that catch it need --slow

    def kit_args(self) -> list[str]:
        """The kit's selection options for this entry: its requirements' scenarios, properties or not."""
        args = [arg for requirement in self.requirements for arg in ("--requirement", requirement)]
        args += ["--property-cases", str(PROPERTY_CASES)] if self.properties else ["--no-properties"]
        return args + (["--slow"] if self.slow else [])


# Details of the breaks: which requests, which changes.

_ROTATE_PATH = re.compile(r"/control/webhooks/[^/]+/rotate")

_SETTINGS = {hook.name: hook.settings for hook in ROLE_WEBHOOKS}
_STOCKS = next(hook for hook in ROLE_WEBHOOKS if hook.name == "stocks")
_SCHEMA_FIELDS = signal_schema()["properties"]
_ENUMS = {name: resolve(node)["enum"] for name, node in _SCHEMA_FIELDS.items() if "enum" in resolve(node)}
_STOP_LOSS_TYPES = resolve(resolve(_SCHEMA_FIELDS["stopLoss"])["properties"]["type"])["enum"]
_NUMERIC_FIELDS = ("quantity", "signalPrice", "price", "limitPrice", "stopPrice", "trailAmount", "delay")
_RELATIVE = re.compile(r"^\+\d")


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _signal_is(request: Request, test: Callable[[dict[str, Any]], bool]) -> bool:
    signal = request.signal() if request.uuid else None
    return signal is not None and test(signal)


def _with_role_path(role: str) -> Callable[[Request], Request | None]:
    """Requests to the webhook of `role` go to the unrestricted stocks webhook instead."""

    def change(request: Request) -> Request | None:
        return request.changed(PATH_INFO=_STOCKS.path) if request.role == role else None

    return change


def _from_address(role: str, address: str) -> Callable[[Request], Request | None]:
    def change(request: Request) -> Request | None:
        if request.role != role:
            return None
        environ = {key: value for key, value in request.environ.items() if key != "HTTP_X_FORWARDED_FOR"}
        return Request({**environ, "REMOTE_ADDR": address}, request.body)

    return change


def _rotations_with_a_week_of_grace(request: Request) -> Request | None:
    if request.method != "POST" or not _ROTATE_PATH.fullmatch(request.path):
        return None
    return request.changed(json.dumps({"grace_seconds": 7 * 24 * 3600}).encode())


def _leftmost_forwarded(request: Request) -> Request | None:
    forwarded = request.environ.get("HTTP_X_FORWARDED_FOR", "")
    return request.changed(HTTP_X_FORWARDED_FOR=forwarded.split(",")[0].strip()) if "," in forwarded else None


def _mapped_as_ipv6(request: Request) -> Request | None:
    source = request.source
    if not source.lower().startswith("::ffff:") or not _is_ip(source):
        return None
    return request.changed(HTTP_X_FORWARDED_FOR=f"64:ff9b::{source[7:]}")  # the NAT64 twin: no IPv4 match


def _exact_ip_list(request: Request) -> bool:
    source = request.source
    return request.role == "ip-list" and request.right_password and _is_ip(source) and source != "203.0.113.7"


def _source_before_password(request: Request, answer: Answer) -> Answer:
    settings = _SETTINGS.get(request.role or "", {})
    if answer.code != "invalid-password" or not settings.get("limit_to"):
        return answer
    code = source_error(settings["limit_to"], tuple(settings.get("ip_addresses", ())), request.source)
    return Answer.error(code) if code else answer


def _body_before_quota(request: Request, answer: Answer) -> Answer:
    if answer.code != "too-many-requests":
        return answer
    outcome = validate_body(request.body)
    return Answer.error(outcome.code) if isinstance(outcome, SignalError) else answer


def _action_before_required(request: Request, answer: Answer) -> Answer:
    signal = request.signal()
    action = signal.get("action") if signal else None
    if answer.code == "invalid-payload" and isinstance(action, str) and action not in _ENUMS["action"]:
        return Answer.error("invalid-action")
    return answer


def _unsupported_first(request: Request, answer: Answer) -> Answer:
    if request.role == "ticker-list" and answer.code == "ticker-does-not-exist":
        return Answer.error("unsupported-ticker")
    return answer


def _changed_200(change: Callable[[dict[str, Any], Request], dict[str, Any]]) -> Callable:
    def change_answer(request: Request, answer: Answer) -> Answer:
        document = answer.document()
        if answer.status != 200 or not isinstance(document, dict):
            return answer
        return answer.with_document(change(document, request))

    return change_answer


def _errors_with_status(status: int) -> Callable[[Request, Answer], Answer]:
    def change(_request: Request, answer: Answer) -> Answer:
        return Answer(status, answer.headers, answer.body) if answer.status == 400 else answer

    return change


def _html_errors(_request: Request, answer: Answer) -> Answer:
    return Answer.html(answer.status, "Not Found") if answer.status in (404, 413) else answer


def _lower_enums(signal: dict[str, Any]) -> dict[str, Any] | None:
    values = {key: signal[key].lower() for key in _ENUMS if isinstance(signal.get(key), str)}
    return signal | values if values else None


def _canonical_names(signal: dict[str, Any]) -> dict[str, Any] | None:
    names = {name.lower(): name for name in _SCHEMA_FIELDS}
    renamed = {names[key.lower()]: value for key, value in signal.items() if key.lower() in names}
    return renamed | signal if set(renamed) - set(signal) else None


def _boolean_strings(signal: dict[str, Any]) -> dict[str, Any] | None:
    fields = ("extendedHours", "cancel", "ignoreTradingWindows", "test")
    values = {key: signal[key] == "true" for key in fields if signal.get(key) in ("true", "false")}
    return signal | values if values else None


def _without_nulls(signal: dict[str, Any]) -> dict[str, Any] | None:
    kept = {key: value for key, value in signal.items() if value is not None}
    return kept if len(kept) < len(signal) else None


def _without(*fields: str, when: Callable[[dict[str, Any]], bool] = lambda _signal: True) -> Callable:
    """A change that drops `fields` from signals for which `when` holds."""

    def change(signal: dict[str, Any]) -> dict[str, Any] | None:
        if not when(signal) or not set(fields) & set(signal):
            return None
        return {key: value for key, value in signal.items() if key not in fields}

    return change


def _inside(name: str, *fields: str, when: Callable[[dict[str, Any]], bool]) -> Callable:
    """A change that drops `fields` from the object `name` when `when` holds for it."""

    def change(signal: dict[str, Any]) -> dict[str, Any] | None:
        inner = signal.get(name)
        if not isinstance(inner, dict) or not when(inner):
            return None
        return signal | {name: {key: value for key, value in inner.items() if key not in fields}}

    return change


def _set(values: dict[str, Any], when: Callable[[dict[str, Any]], bool]) -> Callable:
    def change(signal: dict[str, Any]) -> dict[str, Any] | None:
        return signal | values if when(signal) else None

    return change


def _message_cut(signal: dict[str, Any]) -> dict[str, Any] | None:
    message = signal.get("message")
    return signal | {"message": message[:255]} if isinstance(message, str) and len(message) > 255 else None


def _zoned_time(signal: dict[str, Any]) -> dict[str, Any] | None:
    time = signal.get("time")
    if isinstance(time, str) and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", time):
        return signal | {"time": time + "Z"}
    return None


def _number(value: Any) -> float | None:
    """A JSON number or numeric string as a float (None for anything else)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return float(value)
    except ValueError:
        return None


def _negative_delay(signal: dict[str, Any]) -> bool:
    delay = _number(signal.get("delay"))
    return delay is not None and delay < 0


def _extras_wrapped(signal: dict[str, Any]) -> dict[str, Any] | None:
    extras = signal.get("extras", {})
    return None if isinstance(extras, dict) else signal | {"extras": {"value": extras}}


def _take_profit_percent_not_positive(signal: dict[str, Any]) -> bool:
    take_profit = signal.get("takeProfit")
    percent = _number(take_profit.get("percent")) if isinstance(take_profit, dict) else None
    return percent is not None and percent <= 0


def _unknown_stop_loss_type(stop_loss: dict[str, Any]) -> bool:
    return "type" in stop_loss and stop_loss["type"] not in _STOP_LOSS_TYPES


def _whole_strikes_away(signal: dict[str, Any]) -> dict[str, Any] | None:
    away = _number(signal.get("strikesAway"))
    if away is None or (away >= 0 and away == int(away)):
        return None
    return signal | {"strikesAway": max(0, int(away))}


def _expired(signal: dict[str, Any]) -> bool:
    ticker = signal.get("ticker")
    if not isinstance(ticker, str):
        return False
    today = datetime.now(UTC).date()
    option, futures = parse_option(ticker.strip().upper()), parse_futures(ticker.strip().upper())
    if option is not None:
        return option.expiration < today
    return futures is not None and (futures.year, futures.month) < (today.year, today.month)


def _trailing(signal: dict[str, Any]) -> bool:
    return signal.get("orderType") == "trailing_stop" and {"trailAmount", "trailPercent"} <= set(signal)


def _put(signal: dict[str, Any]) -> bool:
    option = parse_option(str(signal.get("ticker", "")).strip().upper())
    return signal.get("optionType") == "put" or (option is not None and option.option_type == "put")


def _puts_as_calls(signal: dict[str, Any]) -> dict[str, Any] | None:
    swapped = {"buy": "sell", "sell": "buy"}.get(signal.get("action"))
    return signal | {"action": swapped} if swapped and _put(signal) else None


def _trail_as_percent(signal: dict[str, Any]) -> dict[str, Any] | None:
    if "trailAmount" not in signal:
        return None
    return {key: value for key, value in signal.items() if key != "trailAmount"} | {
        "trailPercent": signal["trailAmount"]
    }


def _error(code: str) -> Callable[[Request], Answer]:
    return lambda _request: Answer.error(code)


# The catalogue.

ENTRIES = (
    # Methods, lookup and passwords
    Entry(
        "other-methods-accepted",
        "methods",
        "PUT, PATCH and DELETE to a webhook are taken as POST.",
        ("REQ-METHOD-02",),
        ChangeRequest(
            lambda r: r.changed(REQUEST_METHOD="POST") if r.method in ("PUT", "PATCH", "DELETE") else None
        ),
    ),
    Entry(
        "unknown-webhook-is-invalid-password",
        "lookup",
        "An unknown uuid is answered 400 invalid-password, to hide which webhooks exist.",
        ("REQ-LOOKUP-01",),
        renamed_code("not-found", "invalid-password"),
    ),
    Entry(
        "wrong-password-after-signal",
        "passwords",
        "Once a webhook has accepted a signal, any password opens it.",
        ("REQ-AUTH-01", "REQ-PRECEDENCE-01"),
        WrongPasswordAfterSignal(),
    ),
    Entry(
        "rotation-keeps-old-password",
        "passwords",
        "A rotated webhook's old password keeps working: every rotation silently gets a 7-day grace.",
        ("REQ-AUTH-01",),
        ChangeRequest(_rotations_with_a_week_of_grace),
    ),
    # Source restrictions and X-Forwarded-For
    Entry(
        "tradingview-not-enforced",
        "sources",
        "The TradingView restriction is not enforced: every source passes.",
        ("REQ-SOURCE-02",),
        ChangeRequest(_from_address("tradingview", "52.89.214.238")),
    ),
    Entry(
        "ip-list-without-ranges",
        "sources",
        "An IP address list matches its single addresses only, not its CIDR ranges.",
        ("REQ-SOURCE-05",),
        AnswerWhen(_exact_ip_list, _error("invalid-ip-address")),
    ),
    Entry(
        "ipv4-mapped-not-mapped",
        "sources",
        "An IPv4-mapped IPv6 source is compared as IPv6 and matches no IPv4 entry.",
        ("REQ-SOURCE-08",),
        ChangeRequest(_mapped_as_ipv6),
    ),
    Entry(
        "leftmost-forwarded-for",
        "X-Forwarded-For",
        "The leftmost X-Forwarded-For address is believed, so a client can forge its source.",
        ("REQ-SOURCE-09",),
        ChangeRequest(_leftmost_forwarded),
    ),
    Entry(
        "every-peer-trusted",
        "X-Forwarded-For",
        "X-Forwarded-For is believed from any peer (trusted_proxies = 0.0.0.0/0 and ::/0).",
        ("REQ-SOURCE-10",),
        gateway={"trusted_proxies": ["0.0.0.0/0", "::/0"]},
    ),
    Entry(
        "unrestricted-needs-an-ip",
        "sources",
        "A webhook without a source restriction refuses a source that is not an IP address.",
        ("REQ-SOURCE-11",),
        AnswerWhen(
            lambda r: r.role == "stocks" and r.right_password and not _is_ip(r.source),
            _error("invalid-ip-address-format"),
        ),
    ),
    # Rate limits
    Entry(
        "no-rate-limit",
        "rate limits",
        "No rate limit at all.",
        ("REQ-RATE-01",),
        gateway={"rate_limits": LIFTED_RATE_LIMITS},
    ),
    Entry(
        "fixed-window",
        "rate limits",
        "60 requests per clock minute (a fixed window) instead of a sliding one.",
        ("REQ-RATE-06",),
        OwnRateLimit(per_address=False, sliding=False),
        gateway={"rate_limits": LIFTED_RATE_LIMITS},
        slow=True,
    ),
    Entry(
        "per-address-limit",
        "rate limits",
        "60 requests a minute per source address over all webhooks, not per webhook URL.",
        ("REQ-RATE-05",),
        OwnRateLimit(per_address=True, sliding=True),
        gateway={"rate_limits": LIFTED_RATE_LIMITS},
    ),
    Entry(
        "wrong-passwords-use-quota",
        "rate limits",
        "Requests with a wrong password count toward the webhook's quota.",
        ("REQ-RATE-07",),
        OwnRateLimit(per_address=False, sliding=True, wrong_passwords=True),
        gateway={"rate_limits": LIFTED_RATE_LIMITS},
    ),
    # JSON errors
    Entry(
        "empty-body-is-malformed",
        "JSON errors",
        "An empty body is malformed-json instead of empty-json.",
        ("REQ-BODY-02",),
        renamed_code("empty-json", "malformed-json"),
    ),
    Entry(
        "trailing-commas-allowed",
        "JSON errors",
        "Trailing commas in objects and arrays are forgiven.",
        ("REQ-BODY-03",),
        ChangeRequest(lambda r: r.changed(re.sub(rb",(\s*[}\]])", rb"\1", r.body))),
    ),
    Entry(
        "latin-1-fallback",
        "JSON errors",
        "A body that is not UTF-8 is read as Latin-1.",
        ("REQ-BODY-04",),
        ChangeRequest(
            lambda r: None if _utf8(r.body) else r.changed(r.body.decode("latin-1").encode("utf-8"))
        ),
    ),
    Entry(
        "byte-order-mark-refused",
        "JSON errors",
        "A leading UTF-8 byte order mark is malformed-json.",
        ("REQ-BODY-05",),
        AnswerWhen(lambda r: r.body.startswith(b"\xef\xbb\xbf"), _error("malformed-json")),
    ),
    Entry(
        "nan-read-as-null",
        "JSON errors",
        "NaN and Infinity are read as null (a lenient parser's habit).",
        ("REQ-BODY-06",),
        ChangeRequest(lambda r: r.changed(re.sub(rb"-?\bInfinity\b|\bNaN\b", b"null", r.body))),
    ),
    Entry(
        "repeated-keys-last-wins",
        "JSON errors",
        "A repeated key is allowed: the last value wins.",
        ("REQ-BODY-07",),
        ChangeRequest(lambda r: r.with_signal(r.signal()) if r.signal() is not None else None),
    ),
    Entry(
        "white-space-refused",
        "JSON errors",
        "White space before the JSON value is malformed-json.",
        ("REQ-BODY-09",),
        AnswerWhen(
            lambda r: r.body[:1] in (b" ", b"\n", b"\r", b"\t") and bool(r.body.strip()),
            _error("malformed-json"),
        ),
    ),
    Entry(
        "json-content-type-only",
        "JSON errors",
        "Only application/json bodies are read; others are taken as empty (empty-json).",
        ("REQ-BODY-01",),
        AnswerWhen(
            lambda r: (
                bool(r.uuid)
                and r.method == "POST"
                and not r.environ.get("CONTENT_TYPE", "").startswith("application/json")
            ),
            _error("empty-json"),
        ),
    ),
    # Fields: validation, aliases, numeric strings
    Entry(
        "enums-ignore-case",
        "fields",
        "Enum values are compared ignoring case (Buy is buy).",
        ("REQ-PAYLOAD-04",),
        ChangeSignal(_lower_enums),
    ),
    Entry(
        "field-names-ignore-case",
        "fields",
        "Field names are matched ignoring case (Ticker is ticker).",
        ("REQ-PAYLOAD-03",),
        ChangeSignal(_canonical_names),
    ),
    Entry(
        "unknown-fields-refused",
        "fields",
        "A field the schema does not define is invalid-payload.",
        ("REQ-PAYLOAD-05",),
        AnswerWhen(
            lambda r: _signal_is(r, lambda s: bool(set(s) - set(_SCHEMA_FIELDS))), _error("invalid-payload")
        ),
    ),
    Entry(
        "numeric-strings-refused",
        "fields",
        'Numbers must be JSON numbers: a numeric string such as "5" is invalid-payload.',
        ("REQ-PAYLOAD-06",),
        AnswerWhen(
            lambda r: _signal_is(r, lambda s: any(isinstance(s.get(key), str) for key in _NUMERIC_FIELDS)),
            _error("invalid-payload"),
        ),
    ),
    Entry(
        "boolean-strings-accepted",
        "fields",
        'The strings "true" and "false" are taken as booleans.',
        ("REQ-PAYLOAD-07",),
        ChangeSignal(_boolean_strings),
    ),
    Entry(
        "null-is-absent",
        "fields",
        "A null field is taken as absent.",
        ("REQ-PAYLOAD-08",),
        ChangeSignal(_without_nulls),
    ),
    Entry(
        "price-alias-ignored",
        "fields",
        "The alias price is ignored: not checked, not kept as signalPrice.",
        ("REQ-FIELD-04", "REQ-RESPONSE-04"),
        ChangeSignal(_without("price")),
    ),
    Entry(
        "zero-quantity-accepted",
        "fields",
        "A quantity of 0 is taken as no quantity.",
        ("REQ-FIELD-05",),
        ChangeSignal(_without("quantity", when=lambda s: s.get("quantity") in (0, "0", "0.00"))),
    ),
    Entry(
        "message-cut-to-length",
        "fields",
        "A message over 255 characters is cut to 255 instead of refused.",
        ("REQ-FIELD-21",),
        ChangeSignal(_message_cut),
    ),
    Entry(
        "time-without-zone",
        "fields",
        "A time without a time zone is taken as UTC.",
        ("REQ-FIELD-17",),
        ChangeSignal(_zoned_time),
    ),
    Entry(
        "relative-expiry-refused",
        "fields",
        "A relative expiresAt (+5 minutes) is invalid-expires-at.",
        ("REQ-FIELD-23",),
        AnswerWhen(
            lambda r: _signal_is(r, lambda s: bool(_RELATIVE.match(str(s.get("expiresAt", ""))))),
            _error("invalid-expires-at"),
        ),
    ),
    Entry(
        "order-type-code-is-generic",
        "fields",
        "An unknown orderType is invalid-payload instead of invalid-order-type.",
        ("REQ-FIELD-12",),
        renamed_code("invalid-order-type", "invalid-payload"),
    ),
    Entry(
        "negative-delay-is-none",
        "fields",
        "A negative delay is taken as no delay.",
        ("REQ-FIELD-20",),
        ChangeSignal(_without("delay", when=_negative_delay)),
    ),
    Entry(
        "extras-any-json",
        "fields",
        "extras that is not an object is wrapped in one instead of refused.",
        ("REQ-FIELD-24",),
        ChangeSignal(_extras_wrapped),
    ),
    Entry(
        "take-profit-percent-not-checked",
        "fields",
        "A take profit whose percent is 0 or less is dropped instead of refused.",
        ("REQ-TAKEPROFIT-03",),
        ChangeSignal(_without("takeProfit", when=_take_profit_percent_not_positive)),
    ),
    Entry(
        "unknown-stop-loss-type-ignored",
        "fields",
        "An unknown stopLoss type is ignored (the subscription's type is used).",
        ("REQ-STOPLOSS-02",),
        ChangeSignal(_inside("stopLoss", "type", when=_unknown_stop_loss_type)),
    ),
    Entry(
        "strikes-away-rounded",
        "fields",
        "strikesAway is rounded to a whole number of 0 or more instead of refused.",
        ("REQ-OPTIONFIELD-05",),
        ChangeSignal(_whole_strikes_away),
    ),
    # Tickers
    Entry(
        "ticker-not-trimmed",
        "tickers",
        "The ticker is not trimmed: ' amd ' is ticker-does-not-exist.",
        ("REQ-TICKER-03",),
        AnswerWhen(
            lambda r: _signal_is(
                r, lambda s: isinstance(s.get("ticker"), str) and s["ticker"] != s["ticker"].strip() != ""
            ),
            _error("ticker-does-not-exist"),
        ),
    ),
    Entry(
        "allowed-tickers-ignored",
        "tickers",
        "A webhook's list of allowed tickers is not enforced.",
        ("REQ-TICKER-14",),
        ChangeRequest(_with_role_path("ticker-list")),
    ),
    Entry(
        "expired-contracts-refused",
        "tickers",
        "An expired option or futures contract is ticker-does-not-exist.",
        ("REQ-TICKER-13",),
        AnswerWhen(lambda r: _signal_is(r, _expired), _error("ticker-does-not-exist")),
    ),
    # Cross-field rules
    Entry(
        "sentiment-with-exit",
        "cross-field rules",
        "A sentiment with action exit, cancel or add is ignored instead of refused.",
        ("REQ-FIELD-03",),
        ChangeSignal(_without("sentiment", when=lambda s: s.get("action") not in ("buy", "sell"))),
    ),
    Entry(
        "risk-without-stop-loss",
        "cross-field rules",
        "risk_dollar_amount without a stop loss is taken as dollar_amount.",
        ("REQ-FIELD-10",),
        ChangeSignal(
            _set(
                {"quantityType": "dollar_amount"},
                when=lambda s: s.get("quantityType") == "risk_dollar_amount" and "stopLoss" not in s,
            )
        ),
    ),
    Entry(
        "both-trails",
        "cross-field rules",
        "A trailing_stop order with both trailAmount and trailPercent keeps trailAmount.",
        ("REQ-FIELD-14",),
        ChangeSignal(_without("trailPercent", when=_trailing)),
    ),
    Entry(
        "take-profit-absolute-and-relative",
        "cross-field rules",
        "A take profit with a limit price and a percent or amount keeps the limit price.",
        ("REQ-TAKEPROFIT-06",),
        ChangeSignal(
            _inside(
                "takeProfit", "percent", "amount", when=lambda tp: bool({"limitPrice", "price"} & set(tp))
            )
        ),
    ),
    Entry(
        "stop-loss-amount-and-percent",
        "cross-field rules",
        "A stop loss with amount and percent keeps the amount.",
        ("REQ-STOPLOSS-11",),
        ChangeSignal(_inside("stopLoss", "percent", when=lambda sl: {"amount", "percent"} <= set(sl))),
    ),
    # Precedence
    Entry(
        "source-before-password",
        "precedence",
        "The source restriction is checked before the password.",
        ("REQ-PRECEDENCE-01",),
        ChangeAnswer(_source_before_password),
    ),
    Entry(
        "body-before-quota",
        "precedence",
        "The body is checked before the rate limit: a bad body on a used-up quota is its body error.",
        ("REQ-PRECEDENCE-01",),
        ChangeAnswer(_body_before_quota),
    ),
    Entry(
        "field-code-before-missing-ticker",
        "precedence",
        'An invalid action wins over a missing ticker ({"action": "hold"} is invalid-action).',
        ("REQ-PRECEDENCE-02",),
        ChangeAnswer(_action_before_required),
    ),
    Entry(
        "allowed-list-before-database",
        "precedence",
        "The allowed-ticker list is checked before the ticker database.",
        ("REQ-PRECEDENCE-03",),
        ChangeAnswer(_unsupported_first),
    ),
    # Response shapes
    Entry(
        "no-log-id-when-accepted",
        "responses",
        "The 200 of an accepted signal has no logId.",
        ("REQ-RESPONSE-01",),
        ChangeAnswer(_changed_200(lambda document, _r: {k: v for k, v in document.items() if k != "logId"})),
        properties=True,
    ),
    Entry(
        "payload-as-sent",
        "responses",
        "The payload of a 200 is the signal as sent, not the normalized signal.",
        ("REQ-RESPONSE-03",),
        ChangeAnswer(_changed_200(lambda document, r: document | {"payload": r.signal()})),
    ),
    Entry(
        "test-flag-dropped",
        "responses",
        "The payload of a 200 leaves out the test flag.",
        ("REQ-RESPONSE-11",),
        ChangeAnswer(
            _changed_200(
                lambda document, _r: (
                    document | {"payload": {k: v for k, v in document["payload"].items() if k != "test"}}
                )
            )
        ),
    ),
    Entry(
        "errors-are-422",
        "responses",
        "Errors the catalogue answers 400 are answered 422.",
        ("REQ-RESPONSE-02",),
        ChangeAnswer(_errors_with_status(422)),
        properties=True,
    ),
    Entry(
        "html-errors",
        "responses",
        "404 and 413 errors are HTML pages, as a web server in front answers them.",
        ("REQ-RESPONSE-08", "REQ-RESPONSE-02"),
        ChangeAnswer(_html_errors),
    ),
    # Robustness
    Entry(
        "deep-nesting-500",
        "robustness",
        "A body nested 975 or more levels deep (below 5000) is answered 500, as a recursive parser or "
        "logger fails.",
        ("REQ-ROBUST-01", "REQ-RESPONSE-08", "REQ-BODY-08"),
        AnswerWhen(lambda r: 975 <= nesting_depth(r.body) < 5000, lambda _r: Answer.error("internal-error")),
    ),
    Entry(
        "slow-long-message",
        "robustness",
        "A message of 32 KiB or more takes a second to answer.",
        ("REQ-ROBUST-02", "REQ-RESPONSE-10"),
        Delay(lambda r: _signal_is(r, lambda s: len(str(s.get("message", ""))) >= 32768), 1.0),
    ),
    Entry(
        "huge-body-500",
        "robustness",
        "A body over 64 KiB is answered 500 instead of 413.",
        ("REQ-BODY-10", "REQ-RESPONSE-08"),
        AnswerWhen(
            lambda r: int(r.environ.get("CONTENT_LENGTH") or 0) > 65536,
            lambda _r: Answer.error("internal-error"),
        ),
    ),
    Entry(
        "one-connection-at-a-time",
        "robustness",
        "A proxy in front serves one connection at a time, so a stalled client delays every other.",
        ("REQ-TRANSPORT-03",),
        proxy="one-at-a-time",
    ),
    Entry(
        "no-header-timeout",
        "robustness",
        "A proxy in front waits for a request's headers without a deadline.",
        ("REQ-TRANSPORT-02",),
        proxy="no-head-timeout",
    ),
    Entry(
        "html-header-limit",
        "robustness",
        "A proxy in front answers headers over 8 KiB with an HTML page.",
        ("REQ-METHOD-03",),
        proxy="html-head-limit",
    ),
    # Order semantics (through the test-control API)
    Entry(
        "flat-ignored",
        "semantics",
        "sentiment flat is ignored: a sell while long exits and enters short.",
        ("REQ-SENTIMENT-01", "REQ-SENTIMENT-02", "REQ-SENTIMENT-03"),
        TradeAs(_without("sentiment", when=lambda s: s.get("sentiment") == "flat")),
    ),
    Entry(
        "partial-exit-exits-all",
        "semantics",
        "An exit with a quantity exits the whole position.",
        ("REQ-QUANTITY-03",),
        TradeAs(_without("quantity", when=lambda s: s.get("action") == "exit")),
    ),
    Entry(
        "add-as-buy",
        "semantics",
        "action add is traded as buy, so it needs Allow add to position.",
        ("REQ-ORDER-07",),
        TradeAs(_set({"action": "buy"}, when=lambda s: s.get("action") == "add")),
    ),
    Entry(
        "dollar-amount-as-shares",
        "semantics",
        "quantityType dollar_amount buys quantity shares.",
        ("REQ-QUANTITY-06",),
        TradeAs(
            _set({"quantityType": "fixed_quantity"}, when=lambda s: s.get("quantityType") == "dollar_amount")
        ),
    ),
    Entry(
        "take-profit-dropped",
        "semantics",
        "A signal's take profit is not placed.",
        ("REQ-TPSL-14", "REQ-TPSL-02", "REQ-TPSL-03", "REQ-TPSL-07"),
        TradeAs(_without("takeProfit")),
    ),
    Entry(
        "trail-amount-as-percent",
        "semantics",
        "trailAmount is taken as a percent.",
        ("REQ-ORDERTYPE-06", "REQ-TPSL-12"),
        TradeAs(_trail_as_percent),
    ),
    Entry(
        "puts-not-inverted",
        "semantics",
        "Puts are not inverted: buy buys puts.",
        ("REQ-OPTIONS-01",),
        TradeAs(_puts_as_calls),
    ),
    Entry(
        "roll-on-expiry-day",
        "semantics",
        "Continuous futures symbols roll on the expiry day instead of two days before.",
        ("REQ-FUTURES-01", "REQ-FUTURES-02"),
        RollOnExpiry(),
    ),
    Entry(
        "trading-windows-ignored",
        "semantics",
        "Subscriptions' trading windows are ignored.",
        ("REQ-WINDOW-02",),
        TradeAs(_set({"ignoreTradingWindows": True}, when=lambda s: "ignoreTradingWindows" not in s)),
    ),
    Entry(
        "delay-ignored",
        "semantics",
        "delay is ignored: the signal executes at once.",
        ("REQ-TIMING-01",),
        TradeAs(_without("delay")),
    ),
    Entry(
        "expiry-ignored",
        "semantics",
        "expiresAt is ignored: a late signal still executes.",
        ("REQ-TIMING-02",),
        TradeAs(_without("expiresAt")),
    ),
)


_BY_NAME = {entry.name: entry for entry in ENTRIES}
_REFERENCE_ENTRY = Entry(REFERENCE, "", "The reference gateway, unchanged.", ())


def entry_named(name: str) -> Entry:
    """The catalogue entry NAME, or the unchanged reference for `reference`."""
    return _REFERENCE_ENTRY if name == REFERENCE else _BY_NAME[name]
