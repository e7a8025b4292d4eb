"""The reference gateway's ticker layer: symbol parsing, the ticker database and the ticker-stage checks."""

import json
import re
from datetime import date
from decimal import Decimal

import pytest

from reference_server.paper.instruments import resolve_instrument
from reference_server.webhook.symbols import (
    EXPIRY_RULES,
    ContinuousFuture,
    FuturesContract,
    FuturesRule,
    OptionContract,
    classify,
    front_month,
    parse_option,
)
from reference_server.webhook.tickers import Listing, TickerDatabase, check_ticker
from tests.sources import main_document, source_path, vendor_openapi
from webhook_spec.catalogue import error_codes

DB = TickerDatabase.bundled()
SPY_CALL = OptionContract("SPY", date(2025, 5, 20), "call", Decimal("582.5"))
SPY_PUT = OptionContract("SPY", date(2025, 5, 20), "put", Decimal("582.5"))
SPY_UNTYPED = OptionContract("SPY", date(2025, 5, 20), None, Decimal("582.5"))


# --- option contract symbols (FACTS.md, Options) ---


@pytest.mark.decision("D-021")
@pytest.mark.parametrize(
    ("ticker", "contract"),
    [
        ("SPY 250520C582.5", SPY_CALL),
        ("SPY250520C582.5", SPY_CALL),
        ("SPY250520C00582500", SPY_CALL),
        ("SPY 250520C00582500", SPY_CALL),
        ("SPY   250520C00582500", SPY_CALL),  # OSI: root padded to six characters
        ("SPY_052025C582.5", SPY_CALL),
        ("SPY_052025582.5", SPY_UNTYPED),
        ("SPY 250520582.5", SPY_UNTYPED),
        ("SPY250520582.5", SPY_UNTYPED),
        ("SPY25052000582500", SPY_UNTYPED),
        ("SPY 250520P582.500", SPY_PUT),
        ("BRK.B 250620C500", OptionContract("BRK.B", date(2025, 6, 20), "call", Decimal(500))),
    ],
)
def test_option_formats_parse_to_one_contract(ticker, contract):
    parsed = classify(ticker)
    assert (parsed.kind, parsed.root, parsed.asset_class) == ("option", contract.root, "options")
    assert parsed.contract == contract


def test_every_facts_option_format_names_the_same_contract():
    facts = source_path("FACTS.md").read_text().splitlines()
    line = next(x for x in facts if "Contract symbols accepted" in x)
    symbols = [s for s in re.findall(r"`([^`]+)`", line) if s.startswith("SPY")]
    assert len(symbols) == 4
    contracts = [parse_option(symbol) for symbol in symbols]
    assert {(c.root, c.expiration, c.strike) for c in contracts} == {("SPY", date(2025, 5, 20), 582.5)}
    assert {c.option_type for c in contracts} == {"call", None}


def test_sq_contract_equals_the_documented_fields():
    """FACTS: `SQ 240510C68` is {ticker: SQ, optionType: call, expiration: 2024-05-10, strikePrice: 68}."""
    contract = classify("SQ 240510C68").contract
    assert contract == OptionContract("SQ", date(2024, 5, 10), "call", Decimal(68))
    assert contract.strike == 68 and contract.symbol == "SQ 240510C68"
    fields = {"ticker": "SQ", "optionType": "call", "expiration": "2024-05-10", "strikePrice": 68}
    assert resolve_instrument(fields, asset_class="options", database=DB, on=date(2024, 5, 1)) == contract


@pytest.mark.decision("D-021")
@pytest.mark.parametrize(
    "ticker",
    [
        "SPY 251320C582.5",  # month 13
        "SPY 250230C582.5",  # 30 February
        "SPY_202505C582.5",  # underscore form is MMDDYY
        "SPY 250520C0",  # zero strike
        "SPY 250520C582.1234",  # finer than OCC's thousandths
        "SPY 250520C123456",  # six integer digits, not OCC's eight
        "SPY 250520X582.5",
        "SPY",
        "SPY \u0662\u0665\u0660\u0665\u0662\u0660C582.5",  # Arabic-Indic digits, which int() reads
        "SPY 250520C\uff15\uff18\uff12",  # full-width strike digits
    ],
)
def test_not_option_symbols(ticker):
    assert parse_option(ticker) is None
    assert classify(ticker).kind == "symbol"


# --- futures symbols (FACTS.md, Futures) ---


@pytest.mark.parametrize(
    ("ticker", "parsed"),
    [
        ("MNQU2025", FuturesContract("MNQ", 9, 2025)),
        ("GCJ2025", FuturesContract("GC", 4, 2025)),
        ("MNQZ2023", FuturesContract("MNQ", 12, 2023)),
        ("M2KH2024", FuturesContract("M2K", 3, 2024)),
        ("6EM2025", FuturesContract("6E", 6, 2025)),
        ("NQ1!", ContinuousFuture("NQ", 1)),
        ("GC1!", ContinuousFuture("GC", 1)),
        ("NQ2!", ContinuousFuture("NQ", 2)),
        ("M2K1!", ContinuousFuture("M2K", 1)),
    ],
)
def test_futures_symbols(ticker, parsed):
    result = classify(ticker)
    assert (result.contract, result.root, result.asset_class) == (parsed, parsed.root, "futures")
    assert parsed.symbol == ticker


@pytest.mark.decision("D-023")
@pytest.mark.parametrize(
    "ticker", ["MNQU25", "MNQA2025", "MNQU1925", "NQ0!", "NQ!", "MNQ", "MNQU20\u0662\u0665"]
)
def test_not_futures_syntax(ticker):
    assert classify(ticker).kind == "symbol"


@pytest.mark.decision("D-023")
@pytest.mark.parametrize(
    ("ticker", "on", "expected"),
    [
        ("MNQ1!", date(2023, 12, 12), "MNQZ2023"),  # FACTS: MNQZ2023 expires Friday 2023-12-15 ...
        ("MNQ1!", date(2023, 12, 13), "MNQH2024"),  # ... and MNQ1! means MNQH2024 from 2023-12-13
        ("MNQ2!", date(2023, 12, 12), "MNQH2024"),
        ("MNQ2!", date(2023, 12, 13), "MNQM2024"),
        ("NQ1!", date(2024, 1, 2), "NQH2024"),
        ("GC1!", date(2025, 4, 25), "GCJ2025"),  # GCJ2025 expires Monday 2025-04-28
        ("GC1!", date(2025, 4, 26), "GCM2025"),
        ("CL1!", date(2025, 4, 19), "CLK2025"),  # CLK2025 expires Tuesday 2025-04-22
        ("CL1!", date(2025, 4, 20), "CLM2025"),
    ],
)
def test_continuous_symbols_roll_two_days_before_expiry(ticker, on, expected):
    continuous = classify(ticker).contract
    assert front_month(continuous.root, continuous.rank, on, DB.futures[continuous.root]).symbol == expected


@pytest.mark.parametrize(
    ("root", "month", "year", "expires"),
    [
        ("MNQ", 12, 2023, date(2023, 12, 15)),
        ("ES", 3, 2025, date(2025, 3, 21)),
        ("GC", 4, 2025, date(2025, 4, 28)),
        ("CL", 5, 2025, date(2025, 4, 22)),
        ("NG", 1, 2024, date(2023, 12, 27)),
        ("ZN", 3, 2025, date(2025, 3, 20)),
        ("ZF", 3, 2025, date(2025, 3, 31)),
        ("ZC", 3, 2025, date(2025, 3, 14)),
        ("6E", 3, 2025, date(2025, 3, 17)),
    ],
)
def test_expiry_rules(root, month, year, expires):
    """The simplified rules give the exchanges' dates when no holiday intervenes."""
    assert DB.futures[root].expires(year, month) == expires


def test_every_expiry_rule_is_used_and_documented():
    assert {rule.expiry for rule in DB.futures.values()} == set(EXPIRY_RULES)
    assert all(rule.__doc__ for rule in EXPIRY_RULES.values())


@pytest.mark.parametrize(("months", "expiry"), [("", "third-friday"), ("HMUA", "third-friday"), ("HMUZ", "")])
def test_bad_futures_rules_are_refused(months, expiry):
    with pytest.raises(ValueError):
        FuturesRule(months, expiry)


# --- the ticker database ---


def _document_tickers() -> set[str]:
    text = main_document() + json.dumps(vendor_openapi())
    quoted = set(re.findall(r'\\?"ticker\\?":\s*\\?"([^"\\]+)', text))
    section = main_document().split("### ticker", 1)[1].split("###", 1)[0]
    facts = source_path("FACTS.md").read_text().split("## Options", 1)[1].split("## Asset classes")[0]
    return quoted | set(re.findall(r"`([^`]+)`", section + facts))


def test_every_document_ticker_is_known():
    tickers = _document_tickers()
    assert {"AMD", "MSFT", "SQ", "AAPL", "SPY", "TSLA", "GOOGL", "MNQ", "BTCUSD", "SQ 240510C68"} <= tickers
    unknown = {t for t in tickers if t.isupper() and DB.asset_class_of(classify(t)) is None}
    assert unknown == set()


@pytest.mark.parametrize(
    ("ticker", "asset_class"),
    [("AAPL", "stocks"), ("SPY 250624C596", "options"), ("MNQU2025", "futures"), ("BTCUSD", "crypto")],
)
def test_the_ticker_field_examples_cover_the_four_classes(ticker, asset_class):
    assert DB.asset_class_of(classify(ticker)) == asset_class


def test_bundled_database_is_loaded_once_and_covers_each_class():
    assert TickerDatabase.bundled() is DB
    classes = [listing.asset_class for listing in DB.listings.values()]
    assert classes.count("stocks") >= 60 and classes.count("crypto") >= 10 and classes.count("futures") >= 20
    assert {"NQ", "MNQ", "ES", "MES", "YM", "MYM", "RTY", "M2K", "GC", "MGC", "CL", "SI"} <= set(DB.futures)


def test_equity_index_futures_are_quarterly_third_friday():
    for root in ("NQ", "MNQ", "ES", "MES", "YM", "MYM", "RTY", "M2K"):
        assert DB.futures[root] == FuturesRule("HMUZ", "third-friday")


ROW = {"symbol": "AAPL", "asset_class": "stocks", "name": "Apple"}
FUTURES_ROW = {"symbol": "NQ", "asset_class": "futures", "name": "Nasdaq"}
RULE_ROW = {"root": "NQ", "months": "HMUZ", "expiry_rule": "third-friday"}


@pytest.mark.parametrize(
    ("tickers", "futures"),
    [
        ([ROW, ROW], []),  # listed twice
        ([{**ROW, "asset_class": "bonds"}], []),
        ([{**ROW, "symbol": "AAPL1!"}], []),  # reads as a contract
        ([FUTURES_ROW], []),  # futures root without a rule
        ([ROW], [RULE_ROW]),  # rule without a futures listing
    ],
)
def test_inconsistent_databases_are_refused(tickers, futures):
    with pytest.raises(ValueError):
        TickerDatabase.from_rows(tickers, futures)


# --- check_ticker ---

RISK = {"quantityType": "risk_dollar_amount"}
CHECKS = [
    # (ticker, webhook asset class, allowed tickers, extra signal fields, expected code)
    ("AMD", "stocks", None, {}, None),
    ("SPY", "stocks", None, {}, None),
    ("BTCUSD", "crypto", None, {}, None),
    ("SQ", "options", None, {"optionType": "call", "expiration": "+6 months"}, None),
    ("SPX", "options", None, {}, None),
    ("SPXW 250520C5800", "options", None, {}, None),
    ("SQ 240510C68", "options", None, {}, None),
    ("SPY_052025582.5", "options", None, {"optionType": "put"}, None),  # no C/P letter: nothing to contradict
    ("MNQ", "futures", None, {}, None),
    ("MNQU2025", "futures", None, {}, None),
    ("GCJ2025", "futures", None, {}, None),
    ("NQ1!", "futures", None, {}, None),
    ("GC2!", "futures", None, {}, None),
    ("ZZZZ", "stocks", None, {}, "ticker-does-not-exist"),
    ("ZZZZ", "stocks", frozenset({"AAPL"}), {}, "ticker-does-not-exist"),
    ("SQ 241310C68", "options", None, {}, "ticker-does-not-exist"),  # no 13th month
    ("ZZZZ 240510C68", "options", None, {}, "ticker-does-not-exist"),
    ("MNQ 240510C68", "options", None, {}, "ticker-does-not-exist"),  # no option chain on a futures root
    ("BTCUSD 240510C68", "options", None, {}, "ticker-does-not-exist"),
    ("MNQF2025", "futures", None, {}, "ticker-does-not-exist"),  # MNQ lists H M U Z only
    ("GCH2025", "futures", None, {}, "ticker-does-not-exist"),  # GC: G J M Q V Z
    ("MNQU25", "futures", None, {}, "ticker-does-not-exist"),  # two-digit year
    ("AAPLU2025", "futures", None, {}, "ticker-does-not-exist"),
    ("AAPL1!", "futures", None, {}, "ticker-does-not-exist"),
    ("BTCUSD", "stocks", None, {}, "invalid-asset-class"),
    ("BTCUSD", "stocks", frozenset({"AAPL"}), {}, "invalid-asset-class"),
    ("BTCUSD", "options", None, {}, "invalid-asset-class"),
    ("SQ 240510C68", "stocks", None, {}, "invalid-asset-class"),
    ("SPX", "stocks", None, {}, "invalid-asset-class"),
    ("MNQ", "stocks", None, {}, "invalid-asset-class"),
    ("MNQU2025", "stocks", None, {}, "invalid-asset-class"),
    ("NQ1!", "stocks", None, {}, "invalid-asset-class"),
    ("AAPL", "futures", None, {}, "invalid-asset-class"),
    ("AAPL", "crypto", None, {}, "invalid-asset-class"),
    ("SQ 240510C68", "futures", None, {}, "invalid-asset-class"),
    ("TSLA", "stocks", frozenset({"AAPL"}), {}, "unsupported-ticker"),
    ("TSLA", "stocks", frozenset(), {}, "unsupported-ticker"),
    ("MNQU2025", "futures", frozenset({"NQ"}), {}, "unsupported-ticker"),
    ("MNQ1!", "futures", frozenset({"MNQ1!"}), {}, "unsupported-ticker"),  # lists hold roots
    ("SQ 240510C68", "options", frozenset({"SPY"}), {"optionType": "put"}, "unsupported-ticker"),
    ("MNQU2025", "futures", None, RISK, "invalid-quantity-type-for-asset-class"),
    ("NQ1!", "futures", None, RISK, "invalid-quantity-type-for-asset-class"),
    ("MNQ", "futures", None, RISK, "invalid-quantity-type-for-asset-class"),
    ("MNQU2025", "futures", None, {"quantityType": "dollar_amount"}, None),
    ("SQ", "stocks", None, RISK, None),
    ("SQ 240510C68", "options", None, RISK, None),
]


@pytest.mark.decision("D-022")
@pytest.mark.decision("D-025")
@pytest.mark.parametrize(("ticker", "asset_class", "allowed", "fields", "code"), CHECKS)
def test_check_ticker(ticker, asset_class, allowed, fields, code):
    """The ticker-stage codes; the first failing check wins."""
    signal = {"ticker": ticker, "action": "buy", **fields}
    assert check_ticker(signal, asset_class=asset_class, allowed_tickers=allowed, database=DB) == code


OPTION_TYPE_CHECKS = [
    ("SQ 240510C68", "put", "invalid-ticker-and-option-type"),
    ("SQ 240510P68", "call", "invalid-ticker-and-option-type"),
    ("SPY250520P00582500", "call", "invalid-ticker-and-option-type"),
    ("SQ 240510C68", "call", None),
    ("SQ 240510P68", "put", None),
    ("SQ 240510C68", "both", None),
    ("SPY_052025582.5", "call", None),  # no C/P letter: nothing to contradict
    ("SQ", "put", None),
]


@pytest.mark.decision("D-014")
@pytest.mark.parametrize(("ticker", "option_type", "code"), OPTION_TYPE_CHECKS)
def test_contract_letter_against_option_type(ticker, option_type, code):
    signal = {"ticker": ticker, "action": "buy", "optionType": option_type}
    assert check_ticker(signal, asset_class="options", allowed_tickers=None, database=DB) == code


def test_checks_cover_exactly_the_catalogues_ticker_stage():
    codes = {code for *_, code in CHECKS + OPTION_TYPE_CHECKS} - {None}
    assert codes == {code for code, entry in error_codes().items() if entry.stage == "ticker"}


@pytest.mark.decision("D-024")
@pytest.mark.parametrize(
    ("ticker", "asset_class", "allowed"),
    [
        ("MNQ", "futures", "MNQ"),
        ("MNQU2025", "futures", "MNQ"),
        ("MNQ1!", "futures", "MNQ"),
        ("MNQ2!", "futures", "mnq"),  # entries are normalized like tickers (DECISIONS D-013)
        ("SQ", "options", "SQ"),
        ("SQ 240510C68", "options", "SQ"),
        ("SPY250520C00582500", "options", "SPY"),
        ("AAPL", "stocks", "AAPL"),
        ("BTCUSD", "crypto", "BTCUSD"),
    ],
)
def test_allowed_tickers_hold_roots(ticker, asset_class, allowed):
    allowed_tickers = frozenset({allowed, "TSLA"})
    signal = {"ticker": ticker, "action": "buy"}
    assert check_ticker(signal, asset_class=asset_class, allowed_tickers=allowed_tickers, database=DB) is None


def test_unknown_webhook_asset_class_is_a_programming_error():
    with pytest.raises(ValueError):
        check_ticker({"ticker": "AAPL"}, asset_class="bonds", allowed_tickers=None, database=DB)


# --- resolve_instrument ---

DAY = date(2023, 12, 13)


@pytest.mark.parametrize(
    ("ticker", "asset_class", "fields", "instrument"),
    [
        ("MNQ1!", "futures", {}, FuturesContract("MNQ", 3, 2024)),
        ("MNQ", "futures", {}, FuturesContract("MNQ", 3, 2024)),  # a bare root trades the front month
        ("MNQZ2023", "futures", {}, FuturesContract("MNQ", 12, 2023)),
        ("SQ 240510C68", "options", {}, OptionContract("SQ", date(2024, 5, 10), "call", Decimal(68))),
        ("SPY_052025582.5", "options", {"optionType": "put"}, SPY_PUT),
        ("SPY_052025582.5", "options", {"optionType": "both"}, SPY_UNTYPED),
        ("SPY", "options", {"optionType": "put", "expiration": "2025-05-20", "strikePrice": 582.5}, SPY_PUT),
        ("SQ", "options", {"optionType": "call", "expiration": "+6 months", "strikePrice": 68}, None),
        ("SQ", "options", {"optionType": "both", "expiration": "2024-05-10", "strikePrice": 68}, None),
        ("SQ", "stocks", {"optionType": "call", "expiration": "2024-05-10", "strikePrice": 68}, None),
        ("BTCUSD", "crypto", {}, None),
    ],
)
def test_resolve_instrument(ticker, asset_class, fields, instrument):
    """Contracts from symbols or option fields; None here stands for the ticker's own listing."""
    signal = {"ticker": ticker, "action": "buy", **fields}
    resolved = resolve_instrument(signal, asset_class=asset_class, database=DB, on=DAY)
    assert resolved == (instrument or DB.listing(ticker))
    assert isinstance(resolved, OptionContract | FuturesContract | Listing)


@pytest.mark.parametrize("ticker", ["ZZZZ", "AAPL1!", "MNQF2025", "SQ 241310C68"])
def test_resolving_an_unknown_ticker_fails(ticker):
    with pytest.raises(LookupError):
        resolve_instrument({"ticker": ticker}, asset_class="stocks", database=DB, on=DAY)
