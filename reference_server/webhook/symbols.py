"""Pure parsing of ticker symbols: option contracts, futures contracts and continuous futures.

Option contract symbols (FACTS.md, Options) are a root, an expiration date, an optional call/put
letter and a strike:

- ``SPY 250520C582.5``: root, zero or more spaces, YYMMDD, C/P, strike;
- ``SPY250520C582.5``: the same without the space;
- ``SPY250520C00582500``: OCC, the strike times 1000 in exactly eight digits (any form whose strike
  is eight digits without a decimal point is read this way);
- ``SPY_052025582.5``: root, underscore, MMDDYY, optional C/P, strike;
- any of these without the C/P letter, whose option type is then unknown.

A strike has at most five integer digits and three decimals (OCC's precision); a date that does not
exist makes the text not an option symbol. Futures contracts carry a four-digit year
(``MNQU2025``); continuous symbols are a root, a rank and ``!`` (``NQ1!`` the front month, ``NQ2!``
the next). Expiry rules are the reference gateway's simplification of the exchanges' calendars:
business days are Monday to Friday, exchange holidays are ignored. A continuous symbol rolls to the
next contract ``ROLL_DAYS`` calendar days before expiry (``MNQZ2023`` expires Friday 2023-12-15,
so ``MNQ1!`` is ``MNQH2024`` from the start of 2023-12-13).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import count, islice
from typing import Literal

from webhook_spec.normalize import canonical_decimal

OptionType = Literal["call", "put"]
Kind = Literal["option", "futures-contract", "continuous-future", "symbol"]

MONTH_CODES = "FGHJKMNQUVXZ"
ROLL_DAYS = 2
FRIDAY, WEDNESDAY = 4, 2

# re.ASCII throughout: \d alone would also match other scripts' digits, which int() then reads.
_ROOT = r"(?P<root>[A-Z][A-Z.]{0,5})"
_TAIL = r"(?P<type>[CP])?(?P<strike>\d{8}|\d{1,5}(?:\.\d{1,3})?)$"
_OPTION_YYMMDD = re.compile(rf"^{_ROOT} *(?P<date>\d{{6}}){_TAIL}", re.ASCII)
_OPTION_MMDDYY = re.compile(rf"^{_ROOT}_(?P<date>\d{{6}}){_TAIL}", re.ASCII)
_FUTURES = re.compile(rf"^(?P<root>[A-Z0-9]{{1,5}})(?P<month>[{MONTH_CODES}])(?P<year>20\d\d)$", re.ASCII)
_CONTINUOUS = re.compile(r"^(?P<root>[A-Z0-9]{1,5})(?P<rank>[1-9])!$")
_OCC_SCALE = Decimal(1000)


@dataclass(frozen=True)
class OptionContract:
    """One option contract; option_type is None when the symbol has no C/P letter."""

    root: str
    expiration: date
    option_type: OptionType | None
    strike: Decimal

    @property
    def symbol(self) -> str:
        """The contract in the spaced form: ``SQ 240510C68`` (no letter when the type is unknown)."""
        letter = {"call": "C", "put": "P", None: ""}[self.option_type]
        return f"{self.root} {self.expiration:%y%m%d}{letter}{self.strike}"


@dataclass(frozen=True)
class FuturesContract:
    """One futures contract: root, month (1-12) and four-digit year."""

    root: str
    month: int
    year: int

    @property
    def month_code(self) -> str:
        """The month letter: F for January ... Z for December."""
        return MONTH_CODES[self.month - 1]

    @property
    def symbol(self) -> str:
        """The contract symbol: ``MNQZ2023``."""
        return f"{self.root}{self.month_code}{self.year}"


@dataclass(frozen=True)
class ContinuousFuture:
    """A continuous futures symbol: rank 1 is the front month, 2 the next."""

    root: str
    rank: int

    @property
    def symbol(self) -> str:
        """The continuous symbol: ``NQ1!``."""
        return f"{self.root}{self.rank}!"


Contract = OptionContract | FuturesContract | ContinuousFuture
_KIND_CLASSES: dict[Kind, str | None] = {
    "option": "options",
    "futures-contract": "futures",
    "continuous-future": "futures",
    "symbol": None,
}


@dataclass(frozen=True)
class ParsedTicker:
    """What a ticker's syntax says: its kind, its root and the contract it spells, if any."""

    symbol: str
    kind: Kind
    root: str
    contract: Contract | None

    @property
    def asset_class(self) -> str | None:
        """The asset class the syntax implies; None for a plain symbol, to look up."""
        return _KIND_CLASSES[self.kind]


def _yymmdd(digits: str) -> date | None:
    return _date(2000 + int(digits[:2]), int(digits[2:4]), int(digits[4:]))


def _mmddyy(digits: str) -> date | None:
    return _date(2000 + int(digits[4:]), int(digits[:2]), int(digits[2:4]))


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _strike(text: str) -> Decimal:
    value = Decimal(text) / _OCC_SCALE if len(text) == 8 and "." not in text else Decimal(text)
    return canonical_decimal(value)


def parse_option(ticker: str) -> OptionContract | None:
    """The option contract `ticker` spells in any documented format, or None."""
    for pattern, read_date in ((_OPTION_YYMMDD, _yymmdd), (_OPTION_MMDDYY, _mmddyy)):
        match = pattern.match(ticker)
        if match is None:
            continue
        expiration, strike = read_date(match["date"]), _strike(match["strike"])
        if expiration is None or strike <= 0:
            return None
        option_type = {"C": "call", "P": "put", None: None}[match["type"]]
        return OptionContract(match["root"], expiration, option_type, strike)
    return None


def parse_futures(ticker: str) -> FuturesContract | None:
    """The futures contract `ticker` spells (root, month code, four-digit year), or None."""
    match = _FUTURES.match(ticker)
    if match is None:
        return None
    return FuturesContract(match["root"], MONTH_CODES.index(match["month"]) + 1, int(match["year"]))


def parse_continuous(ticker: str) -> ContinuousFuture | None:
    """The continuous futures symbol `ticker` spells (``NQ1!``), or None."""
    match = _CONTINUOUS.match(ticker)
    return None if match is None else ContinuousFuture(match["root"], int(match["rank"]))


def classify(ticker: str) -> ParsedTicker:
    """Classify a normalized ticker by its syntax alone; the database decides whether it exists."""
    if (option := parse_option(ticker)) is not None:
        return ParsedTicker(ticker, "option", option.root, option)
    if (futures := parse_futures(ticker)) is not None:
        return ParsedTicker(ticker, "futures-contract", futures.root, futures)
    if (continuous := parse_continuous(ticker)) is not None:
        return ParsedTicker(ticker, "continuous-future", continuous.root, continuous)
    return ParsedTicker(ticker, "symbol", ticker, None)


# Expiry rules: (year, month of the contract) -> last trading day. Business days are Monday to Friday.


def _is_business_day(day: date) -> bool:
    return day.weekday() < 5


def _business_days_before(day: date, n: int) -> date:
    while n > 0:
        day -= timedelta(days=1)
        n -= _is_business_day(day)
    return day


def _business_day_on_or_before(day: date) -> date:
    return day if _is_business_day(day) else _business_days_before(day, 1)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _month_end(year: int, month: int) -> date:
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def third_friday(year: int, month: int) -> date:
    """The third Friday of the contract month (CME equity index futures)."""
    return _nth_weekday(year, month, FRIDAY, 3)


def last_business_day(year: int, month: int) -> date:
    """The last business day of the contract month (2- and 5-year Treasury notes)."""
    return _business_day_on_or_before(_month_end(year, month))


def third_last_business_day(year: int, month: int) -> date:
    """The third-last business day of the contract month (COMEX metals)."""
    return _business_days_before(last_business_day(year, month), 2)


def seventh_business_day_before_last(year: int, month: int) -> date:
    """The seventh business day before the month's last business day (10-year note, bond)."""
    return _business_days_before(last_business_day(year, month), 7)


def business_day_before_15th(year: int, month: int) -> date:
    """The business day before the 15th of the contract month (CBOT grains)."""
    return _business_days_before(date(year, month, 15), 1)


def three_business_days_before_25th_of_prior_month(year: int, month: int) -> date:
    """Three business days before the 25th (or the business day before it) of the prior month (crude oil)."""
    prior_25th = (date(year, month, 1) - timedelta(days=1)).replace(day=25)
    return _business_days_before(_business_day_on_or_before(prior_25th), 3)


def three_business_days_before_month_start(year: int, month: int) -> date:
    """Three business days before the first day of the contract month (natural gas)."""
    return _business_days_before(date(year, month, 1), 3)


def two_business_days_before_third_wednesday(year: int, month: int) -> date:
    """Two business days before the third Wednesday of the contract month (CME currencies)."""
    return _business_days_before(_nth_weekday(year, month, WEDNESDAY, 3), 2)


EXPIRY_RULES: dict[str, Callable[[int, int], date]] = {
    rule.__name__.replace("_", "-"): rule
    for rule in (
        third_friday,
        last_business_day,
        third_last_business_day,
        seventh_business_day_before_last,
        business_day_before_15th,
        three_business_days_before_25th_of_prior_month,
        three_business_days_before_month_start,
        two_business_days_before_third_wednesday,
    )
}


@dataclass(frozen=True)
class FuturesRule:
    """A root's listed months (month codes, e.g. ``HMUZ``) and expiry rule (a key of EXPIRY_RULES)."""

    months: str
    expiry: str

    def __post_init__(self) -> None:
        """Reject unknown month codes and expiry rules."""
        if not self.months or set(self.months) - set(MONTH_CODES):
            raise ValueError(f"bad month codes {self.months!r}")
        if self.expiry not in EXPIRY_RULES:
            raise ValueError(f"unknown expiry rule {self.expiry!r}")

    def lists(self, month: int) -> bool:
        """Whether the root has a contract in this month (1-12)."""
        return MONTH_CODES[month - 1] in self.months

    def expires(self, year: int, month: int) -> date:
        """The last trading day of the contract for this year and month."""
        return EXPIRY_RULES[self.expiry](year, month)

    def rolls(self, year: int, month: int) -> date:
        """The first day on which continuous symbols map past this contract."""
        return self.expires(year, month) - timedelta(days=ROLL_DAYS)


def _contracts(root: str, rule: FuturesRule, first_year: int) -> Iterator[FuturesContract]:
    for year in count(first_year):
        for month in range(1, 13):
            if rule.lists(month):
                yield FuturesContract(root, month, year)


def front_month(root: str, rank: int, on: date, rule: FuturesRule) -> FuturesContract:
    """The contract a continuous symbol of this rank maps to on a date (rank 1 = front month)."""
    if rank < 1:
        raise ValueError(f"rank must be at least 1, not {rank}")
    live = (c for c in _contracts(root, rule, on.year) if on < rule.rolls(c.year, c.month))
    return next(islice(live, rank - 1, None))
