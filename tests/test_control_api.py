"""The test-control API in-process: token, webhooks with subscriptions, accounts, quotes, clock, trades."""

import re

import pytest

from reference_server import create_app
from reference_server.config import BODY_LIMIT_BYTES, GatewayConfig
from reference_server.paper import trading
from reference_server.paper.codec import settings_from_json, settings_json
from reference_server.paper.planner import SubscriptionSettings
from webhook_spec.openapi import CONTROL_API

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def client(tmp_path):
    """A gateway with the test-control API enabled."""
    return create_app(GatewayConfig(data_dir=tmp_path, control_token=TOKEN)).test_client()


def _template(path: str) -> str:
    """The schema/control-api.yaml path that a concrete path matches."""
    for template in CONTROL_API.document["paths"]:
        if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", template), path):
            return template
    raise AssertionError(f"{path} is not in schema/control-api.yaml")


def control(client, method: str, path: str, body=None, status: int = 200):
    """Call the control API and check the answer against its documented schema."""
    response = client.open(f"/control{path}", method=method, json=body, headers=AUTH)
    assert response.status_code == status, response.json
    validator = CONTROL_API.response_validator(_template(f"/control{path.split('?')[0]}"), method, status)
    assert validator is not None, f"{method} {path} {status} is undocumented"
    assert [error.message for error in validator.iter_errors(response.json)] == []
    return response.json


def webhook(client, asset_class="stocks", settings=None, equity=100000) -> dict:
    body = {
        "asset_class": asset_class,
        "subscriptions": [{"settings": settings or {}, "account": {"equity": equity}}],
    }
    return control(client, "POST", "/webhooks", body, status=201)


def signal(client, created: dict, body: dict) -> dict:
    response = client.post(created["path"], json=body)
    assert response.status_code == 200, response.json
    return response.json


def trade(client, answer: dict) -> dict:
    (only,) = control(client, "GET", f"/trades?signal_id={answer['id']}")["trades"]
    return only


def test_the_control_api_is_absent_without_a_token(tmp_path):
    response = create_app(GatewayConfig(data_dir=tmp_path)).test_client().post("/control/reset", headers=AUTH)
    assert response.status_code == 404 and response.json["messageCode"] == "not-found"


@pytest.mark.parametrize("header", [None, "Bearer wrong", f"Basic {TOKEN}", TOKEN])
def test_every_request_needs_the_token(client, header):
    response = client.post("/control/reset", headers={} if header is None else {"Authorization": header})
    assert response.status_code == 401 and response.json["messageCode"] == "control-unauthorized"


@pytest.mark.parametrize(
    ("method", "path"), [("GET", "/nothing"), ("GET", ""), ("PUT", "/"), ("GET", "/reset")]
)
def test_an_undefined_control_operation_is_control_not_found_after_the_token_check(client, method, path):
    assert client.open(f"/control{path}", method=method).status_code == 401
    response = client.open(f"/control{path}", method=method, headers=AUTH)
    assert response.status_code == 404 and response.json["messageCode"] == "control-not-found"
    validator = CONTROL_API.response_validator("/control/accounts/{account_id}", "GET", 404)
    assert [error.message for error in validator.iter_errors(response.json)] == []


def _settings(settings: dict) -> dict:
    return {"subscriptions": [{"settings": settings}]}


SETTINGS = "/subscriptions/0/settings"
WINDOW = {"timezone": "America/New_York", "start": "09:30", "end": "16:00"}
OPEN_ORDER = {"id": "o1", "symbol": "SQ", "side": "buy", "quantity": 1}


@pytest.mark.decision("D-080")
@pytest.mark.parametrize(
    ("method", "path", "body", "pointer", "message"),
    [
        (
            "PUT",
            "/clock",
            {"now": "2025-06-18T14:30:00"},
            "/now",
            "'2025-06-18T14:30:00' is not an RFC 3339 date-time with a UTC offset,"
            " such as 2025-06-18T14:30:00Z",
        ),
        (
            "PUT",
            "/clock",
            {"now": "9999-12-31T23:59:59-01:00"},
            "/now",
            "'9999-12-31T23:59:59-01:00' is later than 9999-12-31T23:59:59Z",
        ),
        (
            "PUT",
            "/clock",
            {"now": "0001-01-01T00:00:00+01:00"},
            "/now",
            "'0001-01-01T00:00:00+01:00' is earlier than 0001-01-01T00:00:00Z",
        ),
        ("PUT", "/quotes/SQ", {"bid": 0}, "/bid", "a price is a number above 0"),
        (
            "PUT",
            "/quotes/SQ",
            {"bid": 3, "ask": 2.5},
            "/bid",
            "the bid 3 is above the ask 2.5; a bid is at most the ask",
        ),
        ("PUT", "/quotes/SQ", {"bid": 1, "ask": "2"}, "/ask", "a price is a number above 0"),
        (
            "POST",
            "/webhooks",
            _settings({"stop_loss": {"type": "trailing_stop", "percent": 5}}),
            f"{SETTINGS}/stop_loss",
            "a trailing_stop stop loss needs trail_amount or trail_percent",
        ),
        (
            "POST",
            "/webhooks",
            _settings({"stop_loss": {"type": "stop", "trail_amount": 1}}),
            f"{SETTINGS}/stop_loss",
            "a stop or stop_limit stop loss takes no trail_amount or trail_percent",
        ),
        (
            "POST",
            "/webhooks",
            _settings({"stop_loss": {"limit_price": 10.75}}),
            f"{SETTINGS}/stop_loss",
            "needs one of 'percent', 'amount', 'stop_price', 'trail_amount' or 'trail_percent'",
        ),
        (
            "POST",
            "/webhooks",
            _settings({"take_profit": {"percent": 10, "amount": 5}}),
            f"{SETTINGS}/take_profit",
            "a take profit has exactly one of limit_price, percent or amount",
        ),
        (
            "POST",
            "/webhooks",
            _settings({"trading_windows": [WINDOW, WINDOW | {"timezone": "America/NewYork"}]}),
            f"{SETTINGS}/trading_windows/1/timezone",
            "unknown time zone 'America/NewYork'; did you mean 'America/New_York'?",
        ),
        (
            "POST",
            "/webhooks",
            _settings({"trading_windows": [WINDOW | {"timezone": "Mars/Base"}]}),
            f"{SETTINGS}/trading_windows/0/timezone",
            "unknown time zone 'Mars/Base'",
        ),
        (
            "POST",
            "/webhooks",
            _settings({"trading_windows": [WINDOW | {"end": "09:30"}]}),
            f"{SETTINGS}/trading_windows/0",
            "a window from T inclusive to T exclusive is empty",
        ),
        (
            "POST",
            "/webhooks",
            _settings({"trading_windows": [WINDOW | {"start": "9:30"}]}),
            f"{SETTINGS}/trading_windows/0/start",
            "a time is HH:MM on the 24-hour clock, such as 09:30",
        ),
        (
            "POST",
            "/webhooks",
            _settings({"allowed_sides": "long"}),
            f"{SETTINGS}/allowed_sides",
            "'long' is not one of 'both', 'bullish', 'bearish', 'none'",
        ),
        (
            "POST",
            "/webhooks",
            _settings({"sizing": {"method": "dollar_amount", "value": -5}}),
            f"{SETTINGS}/sizing/value",
            "must be above 0, not -5",
        ),
        (
            "POST",
            "/webhooks",
            _settings({"use_signal_quantity": "yes"}),
            f"{SETTINGS}/use_signal_quantity",
            "'yes' is not of type 'boolean'",
        ),
        (
            "POST",
            "/webhooks",
            {"asset_class": "forex"},
            "/asset_class",
            "'forex' is not one of 'stocks', 'options', 'futures', 'crypto'",
        ),
        (
            "POST",
            "/webhooks",
            {"limit_to": "ip"},
            "/ip_addresses",
            "limit_to ip needs at least one address or range in ip_addresses",
        ),
        (
            "POST",
            "/webhooks",
            {"ip_addresses": ["1.2.3"]},
            "/ip_addresses",
            "'1.2.3' is not an IP address or CIDR range",
        ),
        (
            "POST",
            "/webhooks",
            {"rate_limits": "lots"},
            "/rate_limits",
            "rate limits are N/second, minute, hour or day, ;-separated, such as 60/minute;500/hour",
        ),
        ("POST", "/webhooks", {"subscriptions": "all"}, "/subscriptions", "'all' is not of type 'array'"),
        (
            "PUT",
            "/accounts/{account}",
            {"open_orders": [OPEN_ORDER | {"order_type": "limit"}]},
            "/open_orders/0/limit_price",
            "a limit or stop_limit order needs a limit_price",
        ),
        (
            "PUT",
            "/accounts/{account}",
            {"open_orders": [OPEN_ORDER | {"order_type": "stop_limit", "limit_price": 5}]},
            "/open_orders/0/stop_price",
            "a stop, stop_limit or trailing_stop order needs a stop_price",
        ),
        (
            "PUT",
            "/accounts/{account}",
            {"open_orders": [OPEN_ORDER, OPEN_ORDER]},
            "/open_orders/1/id",
            "the id 'o1' is open order 0's already",
        ),
        (
            "PUT",
            "/accounts/{account}",
            {"positions": [{"symbol": "SQ", "quantity": 1}, {"symbol": " sq", "quantity": 2}]},
            "/positions/1/symbol",
            "' sq' is the symbol 'SQ' of position 0 already (symbols are trimmed and upper-cased);"
            " an account holds one position per symbol",
        ),
        (
            "PUT",
            "/accounts/{account}",
            {"positions": [{"symbol": "   ", "quantity": 1}]},
            "/positions/0/symbol",
            "'   ' is blank: a symbol needs a character",
        ),
        (
            "PUT",
            "/accounts/{account}",
            {"open_orders": [OPEN_ORDER, OPEN_ORDER | {"id": "o2", "symbol": "\t"}]},
            "/open_orders/1/symbol",
            "'\\t' is blank: a symbol needs a character",
        ),
        (
            "PUT",
            "/quotes/%20",
            {"bid": 1},
            "",
            "the symbol ' ' in the path is blank: a symbol needs a character",
        ),
        (
            "DELETE",
            "/quotes/%20",
            None,
            "",
            "the symbol ' ' in the path is blank: a symbol needs a character",
        ),
        (
            "PUT",
            "/accounts/{account}",
            {"positions": [{"symbol": "SQ"}]},
            "/positions/0/quantity",
            "is required",
        ),
        (
            "PUT",
            "/accounts/{account}",
            {"cash": 5},
            "/cash",
            "is not a member here; the known ones are equity, open_orders, positions",
        ),
        ("PUT", "/clock", [1], "", "the body must be a JSON object, not an array"),
        ("GET", "/trades", None, "", "give the query parameter signal_id or log_id"),
        (
            "GET",
            "/trades?signal_id=x&log_id=y",
            None,
            "",
            "give one of the query parameters signal_id and log_id, not both",
        ),
        ("GET", "/log?limit=0", None, "", "the query parameter limit must be a whole number from 1 to 10000"),
    ],
)
def test_an_invalid_control_request_names_the_member_by_its_pointer_and_says_what_is_wrong(
    client, method, path, body, pointer, message
):
    account = webhook(client)["subscriptions"][0]["account_id"]
    answer = control(client, method, path.replace("{account}", account), body, status=400)
    assert answer["errors"] == [{"pointer": pointer, "message": message}]
    words = f"{pointer}: {message}" if pointer else message
    assert (answer["messageCode"], answer["message"]) == (
        "control-invalid-request",
        f"Invalid control request: {words}",
    )


@pytest.mark.decision("D-080")
@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "the body is empty; it must be a JSON object"),
        (
            b'{"now": ',
            "the body is not JSON: Expecting value: line 1 column 9 (char 8); it must be a JSON object",
        ),
        (
            b'{"now": 1e400}',
            "the body is not JSON: a number is beyond the double range; it must be a JSON object",
        ),
        (
            b'{"now": null, "now": null}',
            "the body is not JSON: a key is repeated in one object; it must be a JSON object",
        ),
    ],
)
def test_a_body_that_is_no_json_says_what_the_parser_found(client, body, message):
    response = client.put("/control/clock", data=body, headers=AUTH | {"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json["errors"] == [{"pointer": "", "message": message}]
    validator = CONTROL_API.response_validator("/control/clock", "PUT", 400)
    assert [error.message for error in validator.iter_errors(response.json)] == []


@pytest.mark.decision("D-010")
@pytest.mark.parametrize("size", [BODY_LIMIT_BYTES + 1, 10 * BODY_LIMIT_BYTES])
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/webhooks"),
        ("POST", "/webhooks/{uuid}/rotate"),
        ("PUT", "/accounts/{account}"),
        ("PUT", "/quotes/SQ"),
        ("PUT", "/clock"),
    ],
)
def test_a_control_body_over_the_limit_is_the_control_apis_413(client, method, path, size):
    created = webhook(client)
    path = path.replace("{uuid}", created["uuid"]).replace(
        "{account}", created["subscriptions"][0]["account_id"]
    )
    body = b'{"x": "' + b"a" * (size - 9) + b'"}'
    assert len(body) == size
    response = client.open(
        f"/control{path}", method=method, data=body, headers=AUTH | {"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json == {
        "success": False,
        "messageCode": "control-payload-too-large",
        "message": f"The control request's body is larger than the {BODY_LIMIT_BYTES} bytes the gateway"
        " accepts.",
    }
    validator = CONTROL_API.response_validator(_template(f"/control{path}"), method, 413)
    assert [error.message for error in validator.iter_errors(response.json)] == []


@pytest.mark.decision("D-080")
def test_every_problem_of_a_request_is_listed_in_the_order_of_its_pointer(client):
    body = {"asset_class": "forex", "subscriptions": [{"settings": {"allowed_sides": "long", "colour": 1}}]}
    answer = control(client, "POST", "/webhooks", body, status=400)
    assert [error["pointer"] for error in answer["errors"]] == [
        "/asset_class",
        f"{SETTINGS}/allowed_sides",
        f"{SETTINGS}/colour",
    ]
    assert answer["message"].endswith("(and 2 more)")


@pytest.mark.decision("D-080")
def test_an_open_order_id_of_another_account_is_refused_by_its_pointer(client):
    first, second = (webhook(client)["subscriptions"][0]["account_id"] for _ in range(2))
    control(client, "PUT", f"/accounts/{first}", {"open_orders": [OPEN_ORDER]})
    answer = control(client, "PUT", f"/accounts/{second}", {"open_orders": [OPEN_ORDER]}, status=400)
    assert answer["errors"] == [
        {"pointer": "/open_orders/0/id", "message": "the id 'o1' is an open order of another account already"}
    ]


def test_the_main_document_take_profit_18500_plus_100_is_18600(client):
    settings = {"use_signal_take_profit": True, "broker": {"supports_quotes": False}}
    created = webhook(client, "futures", settings)
    answer = signal(
        client,
        created,
        {"ticker": "MNQU2025", "action": "buy", "signalPrice": 18500, "takeProfit": {"amount": 100}},
    )
    record = trade(client, answer)
    assert record["plan"]["take_profit"]["limit_price"] == 18600
    fill = {
        "role": "entry",
        "symbol": "MNQU2025",
        "side": "buy",
        "quantity": 1,
        "price": 18500,
        "slippage": 0,
    }
    assert record["fills"] == [fill]
    account = control(client, "GET", f"/accounts/{created['subscriptions'][0]['account_id']}")
    assert account["positions"] == [{"symbol": "MNQU2025", "quantity": 1, "avg_price": 18500}]
    assert [order["role"] for order in account["open_orders"]] == ["take_profit"]


def test_an_arranged_short_position_is_covered_and_reversed_at_the_quote(client):
    created = webhook(client, settings={"use_signal_quantity": True})
    account_id = created["subscriptions"][0]["account_id"]
    arranged = {"positions": [{"symbol": "SQ", "quantity": -10, "avg_price": 70}]}
    arranged["open_orders"] = [
        {"id": "o1", "symbol": "SQ", "side": "buy", "quantity": 10, "order_type": "limit", "limit_price": 60}
    ]
    control(client, "PUT", f"/accounts/{account_id}", arranged)
    control(client, "PUT", "/quotes/SQ", {"bid": 65, "ask": 66, "last": None})
    record = trade(client, signal(client, created, {"ticker": "SQ", "action": "buy", "quantity": 5}))
    assert record["plan"]["cancel_order_ids"] == ["o1"]
    assert (record["plan"]["exit"]["instruction"], record["plan"]["exit"]["quantity"]) == ("buy_to_cover", 10)
    assert (record["plan"]["entry"]["instruction"], record["plan"]["entry"]["quantity"]) == ("buy", 5)
    assert record["positions_after"] == [{"symbol": "SQ", "quantity": 5, "avg_price": 66}]


def test_the_clock_maps_a_continuous_future_by_its_roll(client):
    created = webhook(client, "futures")
    control(client, "PUT", "/clock", {"now": "2023-12-12T15:00:00Z"})
    assert (
        trade(client, signal(client, created, {"ticker": "MNQ1!", "action": "buy", "signalPrice": 16000}))[
            "instrument"
        ]["symbol"]
        == "MNQZ2023"
    )
    control(client, "PUT", "/clock", {"now": "2023-12-13T00:00:00Z"})
    assert (
        trade(client, signal(client, created, {"ticker": "MNQ1!", "action": "sell", "signalPrice": 16000}))[
            "instrument"
        ]["symbol"]
        == "MNQH2024"
    )


def test_a_rejected_trade_is_recorded_with_its_reason(client):
    created = webhook(client)
    record = trade(client, signal(client, created, {"ticker": "SQ", "action": "exit"}))
    assert record["plan"]["rejection"] == "no-position" and record["fills"] == []


def test_trades_are_found_by_log_id_and_the_log_lists_the_signal(client):
    created = webhook(client)
    answer = signal(client, created, {"ticker": "SQ", "action": "buy", "signalPrice": 70})
    assert (
        control(client, "GET", f"/trades?log_id={answer['logId']}")["trades"][0]["signal_id"] == answer["id"]
    )
    entries = control(client, "GET", f"/log?webhook={created['uuid']}")["entries"]
    assert [(e["log_id"], e["outcome"]) for e in entries] == [(answer["logId"], "accepted")]


def test_reset_forgets_control_webhooks_accounts_and_the_clock(client):
    created = webhook(client)
    control(client, "PUT", "/clock", {"now": "2023-12-12T15:00:00Z"})
    control(client, "POST", "/reset")
    assert client.post(created["path"], json={"ticker": "SQ", "action": "buy"}).status_code == 404
    control(client, "GET", f"/accounts/{created['subscriptions'][0]['account_id']}", status=404)


@pytest.mark.decision("D-046")
def test_a_signal_quantity_too_large_to_hold_is_a_rejected_plan_without_a_traceback(client, caplog):
    created = webhook(client, settings={"use_signal_quantity": True})
    answer = signal(client, created, {"ticker": "AMD", "action": "buy", "quantity": 1e300})
    assert trade(client, answer)["plan"]["rejection"] == "quantity-too-large"
    assert [
        record.getMessage() for record in caplog.records if record.levelname in ("ERROR", "WARNING")
    ] == []


def test_a_failing_trade_leaves_the_signal_accepted(client, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("a planner bug")

    monkeypatch.setattr(trading, "plan_trade", broken)
    created = webhook(client)
    answer = signal(client, created, {"ticker": "SQ", "action": "buy"})
    assert trade(client, answer)["plan"]["rejection"] == "internal-error"
    entries = control(client, "GET", f"/log?webhook={created['uuid']}")["entries"]
    assert entries[0]["outcome"] == "accepted"


@pytest.mark.decision("D-047")
def test_a_delayed_signal_waits_as_a_pending_trade_until_the_clock_reaches_it(client):
    created = webhook(client)
    control(client, "PUT", "/clock", {"now": "2025-06-18T14:30:00Z"})
    answer = signal(client, created, {"ticker": "SQ", "action": "buy", "signalPrice": 70, "delay": 30})
    pending = trade(client, answer)
    assert (pending["status"], pending["execute_at"]) == ("pending", "2025-06-18T14:30:30+00:00")
    control(client, "PUT", "/clock", {"now": "2025-06-18T14:30:29Z"})
    assert trade(client, answer)["status"] == "pending"
    control(client, "PUT", "/clock", {"now": "2025-06-18T14:30:30Z"})
    executed = trade(client, answer)
    assert executed["status"] == "executed" and executed["plan"]["entry"]["instruction"] == "buy"


@pytest.mark.decision("D-047")
@pytest.mark.parametrize(
    ("expires", "delay", "rejection"),
    [("+10 seconds", 30, "expired"), ("+1 minute", 30, None), ("2025-06-18T14:30:20Z", 30, "expired")],
)
def test_a_signal_not_executed_by_its_expiry_is_not_executed(client, expires, delay, rejection):
    created = webhook(client)
    control(client, "PUT", "/clock", {"now": "2025-06-18T14:30:00Z"})
    body = {"ticker": "SQ", "action": "buy", "signalPrice": 70, "delay": delay, "expiresAt": expires}
    answer = signal(client, created, body)
    control(client, "PUT", "/clock", {"now": "2025-06-18T14:31:00Z"})
    assert trade(client, answer)["plan"]["rejection"] == rejection


@pytest.mark.decision("D-049")
@pytest.mark.parametrize("delay", [1e12, "100000000000000000000", 1e308])
def test_a_delay_beyond_the_calendar_keeps_its_trade_pending_for_good(client, delay):
    created = webhook(client)
    answer = signal(client, created, {"ticker": "SQ", "action": "buy", "signalPrice": 70, "delay": delay})
    pending = trade(client, answer)
    assert (pending["status"], pending["execute_at"]) == ("pending", "9999-12-31T23:59:59.999999+00:00")


@pytest.mark.decision("D-049")
@pytest.mark.parametrize("expires", ["+999999 months", "+999999 weeks"])
def test_an_expiry_beyond_the_calendar_never_passes(client, expires):
    created = webhook(client)
    control(client, "PUT", "/clock", {"now": "2025-06-18T14:30:00Z"})
    body = {"ticker": "SQ", "action": "buy", "signalPrice": 70, "delay": 30, "expiresAt": expires}
    answer = signal(client, created, body)
    control(client, "PUT", "/clock", {"now": "2099-01-01T00:00:00Z"})
    executed = trade(client, answer)
    assert (executed["status"], executed["plan"]["rejection"]) == ("executed", None)


@pytest.mark.decision("D-047")
def test_slippage_is_the_fill_against_signal_price(client):
    created = webhook(client)
    control(client, "PUT", "/quotes/SQ", {"bid": 70.4, "ask": 70.5, "last": None})
    fill = trade(client, signal(client, created, {"ticker": "SQ", "action": "buy", "signalPrice": 70}))[
        "fills"
    ][0]
    assert (fill["price"], fill["slippage"]) == (70.5, 0.5)


@pytest.mark.decision("D-047")
def test_latency_is_receipt_minus_the_signal_time(client):
    created = webhook(client)
    control(client, "PUT", "/clock", {"now": "2025-06-18T14:30:02.5Z"})
    signal(client, created, {"ticker": "SQ", "action": "buy", "time": "2025-06-18T14:30:00Z"})
    (entry,) = control(client, "GET", f"/log?webhook={created['uuid']}")["entries"]
    assert entry["latency_seconds"] == 2.5


@pytest.mark.decision("D-060")
def test_a_rotation_without_a_grace_ends_the_old_password_at_once(client):
    created = webhook(client)
    rotated = control(client, "POST", f"/webhooks/{created['uuid']}/rotate", {})
    assert rotated["uuid"] == created["uuid"] and rotated["password"] != created["password"]
    assert rotated["previous_valid_until"] is None
    old = client.post(created["path"], json={"ticker": "AMD", "action": "buy"})
    assert (old.status_code, old.json["messageCode"]) == (400, "invalid-password")
    assert signal(client, rotated, {"ticker": "AMD", "action": "sell"})["success"] is True


@pytest.mark.decision("D-060")
def test_during_a_rotations_grace_both_passwords_are_accepted(client):
    created = webhook(client)
    rotated = control(client, "POST", f"/webhooks/{created['uuid']}/rotate", {"grace_seconds": 600})
    assert rotated["previous_valid_until"] is not None
    assert signal(client, created, {"ticker": "AMD", "action": "buy"})["success"] is True
    assert signal(client, rotated, {"ticker": "AMD", "action": "sell"})["success"] is True
    matched = [entry["matched_password"] for entry in control(client, "GET", "/log")["entries"]]
    assert sorted(matched) == ["current", "previous"]


@pytest.mark.parametrize(
    "uuid",
    ["11111111-1111-4111-8111-111111111111", "8c9d9620-c50d-416e-926e-0ec01ee83522"],
    ids=["unknown", "declared in the config"],
)
def test_only_a_webhook_created_here_can_be_rotated(client, uuid):
    answer = control(client, "POST", f"/webhooks/{uuid}/rotate", {}, status=404)
    assert answer["messageCode"] == "control-not-found"


@pytest.mark.parametrize("body", [{"grace_seconds": -1}, {"grace_seconds": 604801}, {"grace": 5}])
def test_a_grace_that_is_no_duration_of_at_most_7_days_is_refused(client, body):
    created = webhook(client)
    answer = control(client, "POST", f"/webhooks/{created['uuid']}/rotate", body, status=400)
    assert answer["messageCode"] == "control-invalid-request"


@pytest.mark.decision("D-081")
@pytest.mark.parametrize(
    ("arranged", "ticker", "held"),
    [
        ("sq", "SQ", "SQ"),
        (" Sq ", "sq", "SQ"),
        ("sq_051024c68", "SQ 240510C68", "SQ 240510C68"),
        ("mnqz2023", "MNQZ2023", "MNQZ2023"),
    ],
)
def test_symbols_of_positions_orders_and_quotes_take_the_form_signals_trade(client, arranged, ticker, held):
    asset_class = {"SQ": "stocks", "SQ 240510C68": "options", "MNQZ2023": "futures"}[held]
    created = webhook(client, asset_class)
    account_id = created["subscriptions"][0]["account_id"]
    order = {"id": "o1", "symbol": arranged, "side": "buy", "quantity": 1, "order_type": "limit"}
    body = {"positions": [{"symbol": arranged, "quantity": 2}], "open_orders": [order | {"limit_price": 1}]}
    account = control(client, "PUT", f"/accounts/{account_id}", body)
    symbols = [p["symbol"] for p in account["positions"]] + [o["symbol"] for o in account["open_orders"]]
    assert symbols == [held, held]
    assert control(client, "PUT", f"/quotes/{arranged}", {"bid": 9, "ask": 11})["symbol"] == held
    control(client, "PUT", "/clock", {"now": "2023-12-12T15:00:00Z"})
    record = trade(client, signal(client, created, {"ticker": ticker, "action": "exit", "cancel": True}))
    assert record["plan"]["cancel_order_ids"] == ["o1"]
    assert (record["plan"]["exit"]["quantity"], record["fills"][0]["price"]) == (2, 9)
    assert control(client, "GET", f"/accounts/{account_id}")["positions"] == []


@pytest.mark.decision("D-078")
def test_a_replaced_quantity_type_is_a_structured_note_of_the_trade(client):
    created = webhook(client, settings={"use_signal_quantity": True})
    control(client, "PUT", "/quotes/SQ", {"bid": 99.99, "ask": 100.01})
    body = {"ticker": "SQ", "action": "buy", "quantityType": "dollar_amount", "quantity": 1000}
    plan = trade(client, signal(client, created, body))["plan"]
    assert plan["entry"]["quantity"] == 1000
    (note,) = plan["notes"]
    assert {key: note[key] for key in ("field", "asked", "used", "setting")} == {
        "field": "quantityType",
        "asked": "dollar_amount",
        "used": "fixed_quantity",
        "setting": "allow_signal_quantity_type_override",
    }
    assert "quantity 1000 was read as fixed_quantity" in note["message"]


@pytest.mark.decision("D-078")
def test_a_note_shows_its_numbers_and_members_as_json(client):
    created = webhook(client, settings={"take_profit": {"percent": 10}})
    control(client, "PUT", "/quotes/SQ", {"bid": 99.99, "ask": 100.01})
    body = {"ticker": "SQ", "action": "buy", "quantity": 2.5, "takeProfit": {"limitPrice": 120.5}}
    notes = trade(client, signal(client, created, body))["plan"]["notes"]
    assert [(n["field"], n["asked"], n["used"], n["setting"]) for n in notes] == [
        ("quantity", 2.5, 1, "use_signal_quantity"),
        ("takeProfit", {"limitPrice": 120.5}, {"percent": 10}, "use_signal_take_profit"),
    ]


@pytest.mark.decision("D-079")
def test_a_market_order_with_nothing_to_fill_at_waits_noted_and_fills_at_the_next_quote(client):
    created = webhook(client)
    account_id = created["subscriptions"][0]["account_id"]
    control(client, "PUT", f"/accounts/{account_id}", {"positions": [{"symbol": "sq", "quantity": -10}]})
    record = trade(client, signal(client, created, {"ticker": "SQ", "action": "buy"}))
    assert record["fills"] == [] and [o["role"] for o in record["open_orders_after"]] == ["exit", "entry"]
    assert [(n["field"], n["message"].split(":")[0]) for n in record["plan"]["notes"]] == [
        ("signalPrice", "exit"),
        ("signalPrice", "entry"),
    ]
    control(client, "PUT", "/quotes/AMD", {"bid": 1, "ask": 2})  # another symbol's quote fills nothing
    assert len(control(client, "GET", f"/accounts/{account_id}")["open_orders"]) == 2
    control(client, "PUT", "/quotes/sq", {"bid": 69, "ask": 71})
    account = control(client, "GET", f"/accounts/{account_id}")
    assert (account["positions"], account["open_orders"]) == (
        [{"symbol": "SQ", "quantity": 1, "avg_price": 71}],
        [],
    )


@pytest.mark.decision("D-083")
def test_a_webhook_reads_back_with_every_setting_of_its_subscriptions_filled_in(client):
    window = {"timezone": "America/New_York", "start": "09:30", "end": "16:00", "days": [4, 0]}
    settings = {"use_signal_quantity": True, "take_profit": {"percent": 10}, "trading_windows": [window]}
    body = {
        "asset_class": "options",
        "allowed_tickers": ["sq"],
        "subscriptions": [{"settings": settings}, {}],
    }
    created = control(client, "POST", "/webhooks", body, status=201)
    read = control(client, "GET", f"/webhooks/{created['uuid']}")
    assert "password" not in read and (read["asset_class"], read["allowed_tickers"]) == ("options", ["SQ"])
    assert [(s["id"], s["account_id"]) for s in read["subscriptions"]] == [
        (s["id"], s["account_id"]) for s in created["subscriptions"]
    ]
    effective, default = (subscription["settings"] for subscription in read["subscriptions"])
    assert default == settings_json(SubscriptionSettings())
    expected = default | settings | {"trading_windows": [window | {"days": [0, 4]}]}
    assert effective == expected
    assert settings_from_json(effective) == settings_from_json(settings)  # what reads back is what trades


def test_an_unknown_webhook_reads_as_control_not_found(client):
    answer = control(client, "GET", "/webhooks/11111111-1111-4111-8111-111111111111", status=404)
    assert answer["messageCode"] == "control-not-found"


@pytest.mark.decision("D-083")
@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"sizing": {"method": "dollar_amount", "value": 1000.5}, "fractional": True, "option_type": "put"},
        {
            "stop_loss": {"type": "stop_limit", "stop_price": 10.71, "limit_price": 10.75},
            "stop_loss_type": "trailing_stop",
        },
        {"broker": {"supports_quotes": False, "order_types": ["limit", "market"], "time_in_force": ["gtc"]}},
        {
            "trading_windows": [{"timezone": "UTC", "start": "22:00", "end": "02:00"}],
            "allowed_sides": "bearish",
        },
    ],
)
def test_effective_settings_read_back_as_the_settings_they_are(settings):
    converted = settings_from_json(settings)
    effective = settings_json(converted)
    assert settings_from_json(effective) == converted
    validator = CONTROL_API.validator_at("/components/schemas/EffectiveSettings")
    assert [error.message for error in validator.iter_errors(effective)] == []


@pytest.mark.decision("D-082")
def test_a_put_subscription_trades_puts_on_the_underlyings_signals_and_reverses_the_put_it_holds(client):
    created = webhook(client, "options", {"option_type": "put"})
    account_id = created["subscriptions"][0]["account_id"]
    control(client, "PUT", "/clock", {"now": "2025-06-18T14:30:00Z"})
    control(client, "PUT", "/quotes/SQ", {"bid": 69.9, "ask": 70.1})
    control(client, "PUT", "/quotes/SQ 250620P70", {"bid": 2, "ask": 2.1})
    bullish = trade(client, signal(client, created, {"ticker": "SQ", "action": "buy"}))
    assert (bullish["instrument"]["symbol"], bullish["instrument"]["option_type"]) == ("SQ 250620P70", "put")
    assert [(f["side"], f["price"]) for f in bullish["fills"]] == [("sell", 2)]  # sells to open
    assert bullish["plan"]["entry"]["instruction"] == "sell_short" and bullish["plan"]["notes"] == []
    control(client, "PUT", "/quotes/SQ", {"bid": 79.9, "ask": 80.1})  # the money moved: ATM is 80 now
    bearish = trade(client, signal(client, created, {"ticker": "SQ", "action": "sell", "optionType": "call"}))
    assert bearish["instrument"]["symbol"] == "SQ 250620P70"  # the put held, not a new one
    assert [o["instruction"] for o in (bearish["plan"]["exit"], bearish["plan"]["entry"])] == [
        "buy_to_cover",
        "buy",
    ]
    (note,) = bearish["plan"]["notes"]
    assert (note["field"], note["asked"], note["used"], note["setting"]) == (
        "optionType",
        "call",
        "put",
        "option_type",
    )
    account = control(client, "GET", f"/accounts/{account_id}")
    assert account["positions"] == [{"symbol": "SQ 250620P70", "quantity": 1, "avg_price": 2.1}]


@pytest.mark.decision("D-082")
def test_without_an_option_type_a_buy_on_the_underlying_buys_calls(client):
    created = webhook(client, "options")
    control(client, "PUT", "/clock", {"now": "2025-06-18T14:30:00Z"})
    control(client, "PUT", "/quotes/SQ", {"bid": 69.9, "ask": 70.1})
    record = trade(client, signal(client, created, {"ticker": "SQ", "action": "buy"}))
    assert (record["instrument"]["symbol"], record["plan"]["entry"]["instruction"]) == ("SQ 250620C70", "buy")
