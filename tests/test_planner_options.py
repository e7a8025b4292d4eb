"""Options in the planner: put inversion, chain selection, and the instrument of a resolved ticker."""

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from reference_server.paper.instruments import held_contract, instrument_from, resolve_instrument
from reference_server.paper.planner import (
    AccountSnapshot,
    Instrument,
    Position,
    option_type_note,
    resolve_expiration,
    scan_option_type,
    select_contract,
    select_from_signal,
)
from reference_server.paper.planner import reasons as R
from reference_server.webhook.symbols import FuturesContract, OptionContract
from reference_server.webhook.tickers import Listing, TickerDatabase
from tests.planner import DEFAULT, NOW, SIGNAL, D, brief, plan, quote

SQ_PUT = Instrument("SQ 250718P70", "options", "put", D(100))
SQ_CALL = Instrument("SQ 250718C70", "options", "call", D(100))
EXPIRATIONS = (date(2025, 6, 18), date(2025, 6, 20), date(2025, 12, 19), date(2026, 1, 16))
STRIKES = tuple(D(s) for s in range(60, 81))
CHAIN = tuple(
    OptionContract("SQ", expiration, kind, strike)
    for expiration in EXPIRATIONS
    for kind in ("call", "put")
    for strike in STRIKES
)


def pick(**kwargs) -> OptionContract | None:
    """select_contract on CHAIN with the underlying at 70.3 unless told."""
    kwargs.setdefault("underlying_price", D("70.3"))
    kwargs.setdefault("clock", NOW)
    kwargs.setdefault("expiration", None)
    return select_contract(CHAIN, **kwargs)


def sig(action: str, **fields) -> dict:
    """A signal on the SQ root."""
    return {"ticker": "SQ", "action": action, **fields}


# --- put inversion (main document: "action=buy will sell to open short puts") ---


def test_put_action_buy_sells_to_open_short_puts():
    result = plan(sig("buy"), instrument=SQ_PUT)
    assert brief(result.entry) == ("sell_short", 1) and result.entry.position_effect == "open"


def test_put_action_sell_buys_to_open_long_puts():
    assert brief(plan(sig("sell"), instrument=SQ_PUT).entry) == ("buy", 1)


def test_put_action_buy_while_long_puts_sells_them_then_sells_to_open():
    result = plan(sig("buy"), instrument=SQ_PUT, held=2)
    assert brief(result.exit) == ("sell", 2) and brief(result.entry) == ("sell_short", 1)


def test_put_action_sell_while_long_puts_is_a_repeat_and_is_rejected():
    assert plan(sig("sell"), instrument=SQ_PUT, held=2).rejection == R.POSITION_EXISTS


def test_put_sell_with_sentiment_bullish_covers_part_of_short_puts_and_stays_short():
    result = plan(sig("sell", sentiment="bullish", quantity=1), SIGNAL, instrument=SQ_PUT, held=-3)
    assert brief(result.exit) == ("buy_to_cover", 1) and result.entry is None


def test_put_exit_closes_the_put_position_whatever_its_side():
    assert brief(plan(sig("exit"), instrument=SQ_PUT, held=2).exit) == ("sell", 2)
    assert brief(plan(sig("exit"), instrument=SQ_PUT, held=-2).exit) == ("buy_to_cover", 2)


def test_call_action_buy_buys_to_open_calls():
    assert brief(plan(sig("buy"), instrument=SQ_CALL).entry) == ("buy", 1)


@pytest.mark.decision("D-041")
def test_put_brackets_follow_the_contract_side_a_short_put_takes_profit_below_its_premium():
    result = plan(
        sig("buy", takeProfit={"percent": 50}, stopLoss={"percent": 100}),
        SIGNAL,
        instrument=SQ_PUT,
        quote=quote(2),
    )
    assert result.take_profit.limit_price == 1 and result.stop_loss.stop_price == 4
    assert result.take_profit.instruction == "buy_to_cover"


@pytest.mark.decision("D-040")
def test_allowed_sides_follow_the_signal_view_so_a_long_put_is_bearish():
    bullish = replace(DEFAULT, allowed_sides="bullish")
    assert plan(sig("sell"), bullish, instrument=SQ_PUT).rejection == R.SIDE_NOT_ALLOWED
    assert brief(plan(sig("buy"), bullish, instrument=SQ_PUT).entry) == ("sell_short", 1)


# --- expiration expressions ---


def test_relative_expirations_count_days_weeks_months_and_years():
    today = date(2025, 6, 18)
    assert resolve_expiration("+0 days", today) == today
    assert resolve_expiration("+2 weeks", today) == date(2025, 7, 2)
    assert resolve_expiration("+6 months", today) == date(2025, 12, 18)
    assert resolve_expiration("+12months", today) == date(2026, 6, 18)
    assert resolve_expiration("+1 year", today) == date(2026, 6, 18)


def test_month_arithmetic_clamps_to_the_end_of_the_month():
    assert resolve_expiration("+1 month", date(2025, 1, 31)) == date(2025, 2, 28)
    assert resolve_expiration("+1 month", date(2024, 1, 31)) == date(2024, 2, 29)


def test_an_omitted_expiration_is_today_and_a_date_is_itself():
    assert resolve_expiration(None, date(2025, 6, 18)) == date(2025, 6, 18)
    assert resolve_expiration("2024-05-10", date(2025, 6, 18)) == date(2024, 5, 10)


# --- chain selection ---


def test_the_sq_example_picks_an_itm_call_six_months_out_two_strikes_from_the_money():
    contract = pick(option_type="call", expiration="+6 months", intrinsic_value="itm", strikes_away=2)
    assert contract == OptionContract("SQ", date(2025, 12, 19), "call", D(68))


def test_the_nearest_expiration_on_or_after_the_target_is_chosen():
    assert pick(option_type="call", expiration="2025-06-19").expiration == date(2025, 6, 20)
    assert pick(option_type="call", expiration="2025-06-20").expiration == date(2025, 6, 20)


def test_plus_0_days_and_an_omitted_expiration_pick_same_day_contracts():
    assert pick(option_type="call", expiration="+0 days").expiration == date(2025, 6, 18)
    assert pick(option_type="call").expiration == date(2025, 6, 18)


@pytest.mark.decision("D-043")
def test_the_expiration_date_is_the_new_york_date_of_the_clock():
    late = datetime(2025, 6, 19, 2, 0, tzinfo=UTC)  # still 2025-06-18 in New York
    assert pick(option_type="call", clock=late).expiration == date(2025, 6, 18)


def test_strikes_away_counts_from_the_money_toward_itm_or_otm():
    assert pick(option_type="call", intrinsic_value="otm", strikes_away=2).strike == 72
    assert pick(option_type="put", intrinsic_value="itm", strikes_away=2).strike == 72
    assert pick(option_type="put", intrinsic_value="otm", strikes_away=3).strike == 67


def test_strikes_away_0_is_the_strike_nearest_the_underlying():
    assert pick(option_type="call").strike == 70
    assert pick(option_type="put", underlying_price=D("70.7")).strike == 71


@pytest.mark.decision("D-043")
def test_a_tie_between_two_strikes_goes_to_the_lower_one():
    assert pick(option_type="call", underlying_price=D("70.5")).strike == 70


def test_strikes_away_without_intrinsic_value_goes_out_of_the_money():
    assert pick(option_type="call", strikes_away=1).strike == 71


def test_an_explicit_strike_price_picks_that_strike():
    assert pick(option_type="put", strike_price=D("65")) == OptionContract(
        "SQ", date(2025, 6, 18), "put", D(65)
    )
    assert pick(option_type="put", strike_price=D("65.5")) is None


def test_no_contract_when_strikes_run_out_or_nothing_expires_late_enough():
    assert pick(option_type="call", intrinsic_value="itm", strikes_away=11) is None
    assert pick(option_type="call", expiration="+1 year") is None


def test_option_type_both_buys_calls_on_buy_and_puts_on_sell():
    assert scan_option_type("both", "buy") == "call"
    assert scan_option_type("both", "sell") == "put"
    assert scan_option_type(None, "buy") == "call"
    assert scan_option_type("put", "buy") == "put"
    assert scan_option_type("both", "exit") is None


def test_select_from_signal_reads_the_signal_fields():
    signal = sig("buy", optionType="call", expiration="+6 months", intrinsicValue="itm", strikesAway=2)
    assert select_from_signal(CHAIN, signal, underlying_price=D("70.3"), clock=NOW).strike == 68
    both = sig("sell", optionType="both", strikePrice=75)
    assert select_from_signal(CHAIN, both, underlying_price=D("70.3"), clock=NOW).option_type == "put"
    assert select_from_signal(CHAIN, sig("exit"), underlying_price=D(70), clock=NOW) is None


# --- instruments from tickers.resolve_instrument ---


def test_the_sq_240510c68_symbol_becomes_a_call_instrument_with_a_100_multiplier():
    resolved = resolve_instrument(
        {"ticker": "SQ 240510C68", "action": "buy"},
        asset_class="options",
        database=TickerDatabase.bundled(),
        on=date(2024, 5, 1),
    )
    assert instrument_from(resolved) == Instrument("SQ 240510C68", "options", "call", D(100))


def test_instruments_of_futures_stocks_and_crypto():
    assert instrument_from(FuturesContract("MNQ", 9, 2025), multiplier=D(2)) == Instrument(
        "MNQU2025", "futures", multiplier=D(2)
    )
    assert instrument_from(Listing("AAPL", "stocks", "Apple")) == Instrument("AAPL", "stocks")
    assert instrument_from(Listing("BTCUSD", "crypto", "Bitcoin")).asset_class == "crypto"


def test_an_untyped_contract_or_an_option_root_cannot_be_planned():
    with pytest.raises(ValueError):
        instrument_from(OptionContract("SQ", date(2024, 5, 10), None, D(68)))
    with pytest.raises(ValueError):
        instrument_from(Listing("SPX", "options", "S&P 500"))


def test_instruments_check_option_types():
    with pytest.raises(ValueError):
        Instrument("SQ", "stocks", "call")
    with pytest.raises(ValueError):
        Instrument("SQ 240510C68", "options")


ON_SQ = {"ticker": "SQ", "action": "buy"}


@pytest.mark.decision("D-082")
@pytest.mark.parametrize(
    ("signal", "setting", "traded", "note"),
    [
        (ON_SQ, None, "call", None),
        (ON_SQ | {"optionType": "call"}, None, "call", None),
        (ON_SQ, "put", "put", None),
        (ON_SQ | {"optionType": "put"}, "put", "put", None),
        (ON_SQ | {"optionType": "call"}, "put", "put", ("optionType", "call", "put")),
        (ON_SQ | {"action": "sell", "optionType": "both"}, "call", "call", ("optionType", "both", "call")),
        (ON_SQ | {"ticker": "SQ 240510C68"}, "put", "call", ("ticker", "SQ 240510C68", "SQ 240510C68")),
    ],
)
def test_a_subscriptions_option_type_notes_the_option_type_it_replaced(signal, setting, traded, note):
    found = option_type_note(signal, setting, traded)
    assert (None if found is None else (found.field, found.asked, found.used)) == note
    assert found is None or found.setting == "option_type"


@pytest.mark.decision("D-082")
def test_the_held_contract_of_an_underlying_and_type_is_found_by_its_symbol():
    positions = (
        Position("AMD 250620P70", D(1)),
        Position("SQ 250620C70", D(2)),
        Position("SQ 250620P65", D(0)),
        Position("SQ 250620P70", D(-1)),
    )
    account = AccountSnapshot(None, positions)
    assert held_contract(account, "SQ", "put").symbol == "SQ 250620P70"
    assert held_contract(account, "SQ", "call").symbol == "SQ 250620C70"
    assert held_contract(account, "MSFT", "put") is None
