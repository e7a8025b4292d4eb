"""The ticker stage of the gateway: the bundled ticker database and the checks run after the schema.

The checks answer the catalogue's ``ticker`` stage codes in catalogue order: ticker-does-not-exist,
invalid-asset-class, unsupported-ticker, invalid-ticker-and-option-type,
invalid-quantity-type-for-asset-class. Signals reach them normalized (DECISIONS D-013).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
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
    classify,
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
