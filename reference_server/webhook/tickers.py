"""The ticker stage of the gateway: the bundled ticker database and the checks run after the schema.

The checks answer the catalogue's ``ticker`` stage codes in catalogue order: ticker-does-not-exist,
invalid-asset-class, unsupported-ticker, invalid-ticker-and-option-type,
invalid-quantity-type-for-asset-class. Signals reach them normalized (DECISIONS D-013).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from reference_server.webhook.symbols import (
    ContinuousFuture,
    FuturesContract,
    FuturesRule,
    OptionContract,
    ParsedTicker,
    canonical_decimal,
    classify,
    front_month,
)
from webhook_spec.openapi import asset_classes

OPTION_ROOT_CLASSES = frozenset({"stocks", "options"})  # roots with option chains: stocks, ETFs, indexes
DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Listing:
    """One row of the ticker database."""

    symbol: str
    asset_class: str
    name: str


Instrument = Listing | OptionContract | FuturesContract


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@dataclass(frozen=True, eq=False)
class TickerDatabase:
    """Known symbols by asset class, and the month cycle and expiry rule of every futures root."""

    listings: Mapping[str, Listing]
    futures: Mapping[str, FuturesRule]

    @classmethod
    def from_rows(
        cls, tickers: Iterable[Mapping[str, str]], futures: Iterable[Mapping[str, str]]
    ) -> TickerDatabase:
        """Build a database from CSV-shaped rows; ValueError when the rows are inconsistent."""
        listings = [Listing(row["symbol"], row["asset_class"], row["name"]) for row in tickers]
        rules = {row["root"]: FuturesRule(row["months"], row["expiry_rule"]) for row in futures}
        database = cls(
            MappingProxyType({listing.symbol: listing for listing in listings}), MappingProxyType(rules)
        )
        database._validate(len(listings))
        return database

    @classmethod
    @cache
    def bundled(cls) -> TickerDatabase:
        """The database shipped in reference_server/webhook/data (read once)."""
        return cls.from_rows(_read_csv(DATA_DIR / "tickers.csv"), _read_csv(DATA_DIR / "futures.csv"))

    def _validate(self, rows: int) -> None:
        if rows != len(self.listings):
            raise ValueError("a symbol is listed twice")
        if bad := {lst.symbol for lst in self.listings.values() if lst.asset_class not in asset_classes()}:
            raise ValueError(f"unknown asset class for {sorted(bad)}")
        if bad := {lst.symbol for lst in self.listings.values() if classify(lst.symbol).kind != "symbol"}:
            raise ValueError(f"symbols that read as contracts: {sorted(bad)}")
        roots = {s for s, lst in self.listings.items() if lst.asset_class == "futures"}
        if roots != set(self.futures):
            raise ValueError(f"futures roots without a rule or listing: {sorted(roots ^ set(self.futures))}")

    def listing(self, symbol: str) -> Listing | None:
        """The row for a plain symbol or root, or None."""
        return self.listings.get(symbol)

    def asset_class_of(self, parsed: ParsedTicker) -> str | None:
        """The asset class of the instrument a ticker names, or None when it names none."""
        listing = self.listing(parsed.root)
        match parsed.contract:
            case None:
                return None if listing is None else listing.asset_class
            case OptionContract():
                return "options" if listing and listing.asset_class in OPTION_ROOT_CLASSES else None
            case FuturesContract(root=root, month=month):
                return "futures" if root in self.futures and self.futures[root].lists(month) else None
            case ContinuousFuture(root=root):
                return "futures" if root in self.futures else None
        raise TypeError(f"unexpected contract {parsed.contract!r}")


def trades(webhook_class: str, instrument_class: str) -> bool:
    """Whether a webhook of one asset class trades an instrument of another (options take stock roots)."""
    return webhook_class == instrument_class or (
        webhook_class == "options" and instrument_class in OPTION_ROOT_CLASSES
    )


def _is_allowed(parsed: ParsedTicker, allowed_tickers: frozenset[str] | None) -> bool:
    return allowed_tickers is None or parsed.root in {entry.strip().upper() for entry in allowed_tickers}


def _contradicts(parsed: ParsedTicker, option_type: Any) -> bool:
    contract = parsed.contract
    if not isinstance(contract, OptionContract) or contract.option_type is None:
        return False
    return option_type in ("call", "put") and option_type != contract.option_type


def check_ticker(
    signal: dict[str, Any],
    *,
    asset_class: str,
    allowed_tickers: frozenset[str] | None,
    database: TickerDatabase,
) -> str | None:
    """The ticker-stage error code for a normalized signal on a webhook of `asset_class`, or None."""
    if asset_class not in asset_classes():
        raise ValueError(f"unknown asset class {asset_class!r}")
    parsed = classify(signal["ticker"])
    found = database.asset_class_of(parsed)
    if found is None:
        return "ticker-does-not-exist"
    if not trades(asset_class, found):
        return "invalid-asset-class"
    if not _is_allowed(parsed, allowed_tickers):
        return "unsupported-ticker"
    if _contradicts(parsed, signal.get("optionType")):
        return "invalid-ticker-and-option-type"
    if asset_class == "futures" and signal.get("quantityType") == "risk_dollar_amount":
        return "invalid-quantity-type-for-asset-class"
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
    return OptionContract(root, expires, option_type, canonical_decimal(Decimal(str(strike))))


def _typed(contract: OptionContract, option_type: Any) -> OptionContract:
    """A contract without a C/P letter takes optionType call/put from the signal."""
    if contract.option_type is None and option_type in ("call", "put"):
        return OptionContract(contract.root, contract.expiration, option_type, contract.strike)
    return contract


def resolve_instrument(
    signal: dict[str, Any], *, asset_class: str, database: TickerDatabase, on: date
) -> Instrument:
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
