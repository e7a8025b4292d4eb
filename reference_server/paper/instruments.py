"""What an accepted signal trades: the instrument its ticker names on a date, the synthetic option chain
of a root, and the planner's Instrument for a contract or listing.

The ticker check of the webhook path (webhook/tickers.py) has passed before any of this runs.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from reference_server.paper.planner import AccountSnapshot, Instrument
from reference_server.paper.planner.model import OPTION_MULTIPLIER
from reference_server.webhook.symbols import (
    ContinuousFuture,
    FuturesContract,
    OptionContract,
    classify,
    front_month,
    parse_option,
)
from reference_server.webhook.tickers import Listing, TickerDatabase
from webhook_spec.normalize import canonical_decimal, normalize_ticker

CHAIN_WEEKS = 104  # weekly expirations the synthetic option chain lists, about two years
CHAIN_STRIKES_EACH_SIDE = 30
Resolved = Listing | OptionContract | FuturesContract


def traded_symbol(text: str) -> str:
    """The one form of a symbol every control-API input takes (quotes, positions, orders): the signal's
    ticker normalization (trimmed, upper-cased), and a contract in the form trades name it
    (`sq_051024c68` is `SQ 240510C68`), so an arranged position matches the instrument a signal trades."""
    ticker = normalize_ticker(text)
    contract = classify(ticker).contract
    if isinstance(contract, OptionContract | FuturesContract):
        return contract.symbol
    return ticker


def held_contract(account: AccountSnapshot, root: str, option_type: str) -> OptionContract | None:
    """The option contract of `root` and `option_type` the account holds a position in (the first by
    symbol), or None."""
    for position in account.positions:
        contract = parse_option(position.symbol)
        if position.quantity and contract and (contract.root, contract.option_type) == (root, option_type):
            return contract
    return None


def _option_from_fields(root: str, signal: Mapping[str, Any]) -> OptionContract | None:
    """The contract that optionType call/put, a dated expiration and strikePrice spell, or None."""
    option_type, expiration, strike = (signal.get(k) for k in ("optionType", "expiration", "strikePrice"))
    if option_type not in ("call", "put") or strike is None or not isinstance(expiration, str):
        return None
    try:
        expires = date.fromisoformat(expiration)
    except ValueError:  # a relative expression selects a contract from the chain later
        return None
    strike_price = canonical_decimal(Decimal(str(strike)))
    return OptionContract(root=root, expiration=expires, option_type=option_type, strike=strike_price)


def _typed(contract: OptionContract, option_type: Any) -> OptionContract:
    """A contract without a C/P letter takes optionType call/put from the signal."""
    if contract.option_type is None and option_type in ("call", "put"):
        return replace(contract, option_type=option_type)
    return contract


def resolve_instrument(
    signal: dict[str, Any], *, asset_class: str, database: TickerDatabase, on: date
) -> Resolved:
    """What a signal that passed check_ticker trades on date `on`.

    An option contract (from the symbol, or from optionType, expiration and strikePrice on a root),
    an explicit futures contract, the contract a continuous symbol or a bare futures root maps to,
    or else the listing (a stock, a crypto pair, or an option root whose chain is still to scan).
    """
    parsed = classify(signal["ticker"])
    if database.asset_class_of(parsed) is None:
        raise LookupError(f"{parsed.symbol!r} names no instrument; run check_ticker first")
    contract, rule = parsed.contract, database.futures.get(parsed.root)
    if isinstance(contract, OptionContract):
        return _typed(contract, signal.get("optionType"))
    if isinstance(contract, FuturesContract):
        return contract
    if isinstance(contract, ContinuousFuture) and rule is not None:
        return front_month(contract.root, contract.rank, on, rule)
    listing = database.listings[parsed.root]
    if rule is not None:  # a bare futures root trades the front month
        return front_month(listing.symbol, 1, on, rule)
    if asset_class == "options":
        return _option_from_fields(listing.symbol, signal) or listing
    return listing


def instrument_from(resolved: Resolved, *, multiplier: Decimal | None = None) -> Instrument:
    """The planner's Instrument for what resolve_instrument returned (an option contract with its type)."""
    if isinstance(resolved, OptionContract):
        if resolved.option_type is None:
            raise ValueError(f"{resolved.symbol}: the option type is unknown; send optionType call or put")
        return Instrument(resolved.symbol, "options", resolved.option_type, multiplier or OPTION_MULTIPLIER)
    if isinstance(resolved, FuturesContract):
        return Instrument(resolved.symbol, "futures", multiplier=multiplier or Decimal(1))
    if resolved.asset_class not in ("stocks", "crypto"):
        raise ValueError(f"{resolved.symbol} is an option or futures root: select a contract first")
    return Instrument(resolved.symbol, resolved.asset_class, multiplier=multiplier or Decimal(1))  # type: ignore[arg-type]


def _strike_step(price: Decimal) -> Decimal:
    for ceiling, step in (
        (Decimal(25), Decimal("0.5")),
        (Decimal(200), Decimal(1)),
        (Decimal(1000), Decimal(5)),
    ):
        if price < ceiling:
            return step
    return Decimal(10)


def _fridays(today: date) -> Iterator[date]:
    first = today + timedelta(days=(4 - today.weekday()) % 7)
    return (first + timedelta(weeks=week) for week in range(CHAIN_WEEKS))


def option_chain(root: str, underlying: Decimal, today: date) -> list[OptionContract]:
    """A synthetic chain: weekly Friday expirations and evenly spaced strikes around the underlying."""
    step = _strike_step(underlying)
    center = (underlying / step).to_integral_value() * step
    strikes = [
        center + step * offset for offset in range(-CHAIN_STRIKES_EACH_SIDE, CHAIN_STRIKES_EACH_SIDE + 1)
    ]
    return [
        OptionContract(root=root, expiration=expiration, option_type=option_type, strike=strike)
        for expiration in _fridays(today)
        for option_type in ("call", "put")
        for strike in strikes
        if strike > 0
    ]
