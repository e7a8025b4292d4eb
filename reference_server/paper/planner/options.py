"""Options: option chain selection from a signal, and the relative expirations it reads."""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal, Protocol, TypeVar
from zoneinfo import ZoneInfo

from reference_server.paper.planner.model import Note, OptionType
from webhook_spec.signal_schema import relative_time

IntrinsicValue = Literal["itm", "otm"]
# US listed options expire on New York dates: "+0 days" at 21:00 New York is still that day.
MARKET_ZONE = ZoneInfo("America/New_York")


class ChainContract(Protocol):
    """What the planner reads of a contract in an option chain (a webhook.symbols.OptionContract)."""

    @property
    def expiration(self) -> date: ...

    @property
    def option_type(self) -> OptionType | None: ...

    @property
    def strike(self) -> Decimal: ...


Contract = TypeVar("Contract", bound=ChainContract)


def market_date(clock: datetime) -> date:
    """The New York calendar date of an aware clock."""
    if clock.tzinfo is None:
        raise ValueError("the clock must be timezone-aware")
    return clock.astimezone(MARKET_ZONE).date()


def add_months(day: date, months: int) -> date:
    """Calendar months later, clamped to the month's end (Jan 31 + 1 month = Feb 28 or 29)."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def resolve_expiration(expiration: str | date | None, today: date) -> date:
    """The target date of an expiration: a date, YYYY-MM-DD, "+N days|weeks|months|years", or None (today)."""
    if expiration is None:
        return today  # omitted: same day, like "+0 days" (0DTE)
    if isinstance(expiration, date):
        return expiration
    relative = relative_time("expiration", expiration)
    if relative is None:
        return date.fromisoformat(expiration)
    n, unit = relative
    if unit in ("day", "week"):
        return today + timedelta(days=n * (7 if unit == "week" else 1))
    return add_months(today, n * (12 if unit == "year" else 1))


def scan_option_type(option_type: str | None, action: str) -> OptionType | None:
    """call or put as sent; both (or none sent): calls for buy, puts for sell; None for other actions."""
    if option_type in ("call", "put"):
        return option_type  # type: ignore[return-value]
    return {"buy": "call", "sell": "put"}.get(action)  # type: ignore[return-value]


def option_type_note(
    signal: Mapping[str, Any], setting: OptionType | None, traded: OptionType | None
) -> Note | None:
    """A note when the subscription's option_type replaced the signal's optionType, or did not apply to
    a contract the ticker names (D-078, D-082)."""
    if setting is None or traded is None:
        return None
    if traded != setting:
        ticker = signal["ticker"]
        message = (
            f"the ticker names a {traded} contract, traded as named: option_type {setting} applies to"
            " signals that name an underlying"
        )
        return Note("ticker", ticker, ticker, "option_type", message)
    asked = signal.get("optionType")
    if asked is None or asked == setting:
        return None
    message = f"optionType {asked} was not used: the subscription trades {setting}s (option_type)"
    return Note("optionType", asked, setting, "option_type", message)


def _at_the_money(strikes: Sequence[Decimal], underlying: Decimal) -> int:
    """Index of the strike nearest the underlying price; a tie goes to the lower strike."""
    return min(range(len(strikes)), key=lambda i: (abs(strikes[i] - underlying), strikes[i]))


def _step(option_type: OptionType, intrinsic: IntrinsicValue | None) -> int:
    """+1 toward higher strikes, -1 toward lower: calls are in the money below, puts above."""
    toward_itm = -1 if option_type == "call" else 1
    return toward_itm if intrinsic == "itm" else -toward_itm  # unspecified: out of the money


def select_contract(
    chain: Sequence[Contract],
    *,
    underlying_price: Decimal,
    option_type: OptionType,
    expiration: str | date | None,
    clock: datetime,
    intrinsic_value: IntrinsicValue | None = None,
    strikes_away: int = 0,
    strike_price: Decimal | None = None,
) -> Contract | None:
    """The nearest expiration on or after the target, then the strike: exact, or N strikes from the money."""
    typed = [c for c in chain if c.option_type == option_type]
    target = resolve_expiration(expiration, market_date(clock))
    expirations = sorted({c.expiration for c in typed if c.expiration >= target})
    if not expirations:
        return None
    by_strike = {c.strike: c for c in typed if c.expiration == expirations[0]}  # duplicates collapse
    if strike_price is not None:
        return by_strike.get(strike_price)
    strikes = sorted(by_strike)
    index = _at_the_money(strikes, underlying_price) + _step(option_type, intrinsic_value) * strikes_away
    return by_strike[strikes[index]] if 0 <= index < len(strikes) else None


def select_from_signal(
    chain: Sequence[Contract], signal: Mapping[str, Any], *, underlying_price: Decimal, clock: datetime
) -> Contract | None:
    """select_contract with a normalized signal's optionType, expiration, intrinsicValue, strikes."""
    option_type = scan_option_type(signal.get("optionType"), signal["action"])
    if option_type is None:
        return None
    strike = signal.get("strikePrice")
    return select_contract(
        chain,
        underlying_price=underlying_price,
        option_type=option_type,
        expiration=signal.get("expiration"),
        clock=clock,
        intrinsic_value=signal.get("intrinsicValue"),
        strikes_away=int(signal.get("strikesAway", 0)),
        strike_price=None if strike is None else Decimal(str(strike)),
    )
