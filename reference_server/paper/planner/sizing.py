"""Quantities: entry sizing (fixed, dollars, risk, percent of equity), exit quantities, rounding down."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal, InvalidOperation

from reference_server.paper.planner.model import Instrument, SizingMethod, SubscriptionSettings
from reference_server.paper.planner.prices import HUNDRED, require
from reference_server.paper.planner.reasons import (
    NO_EQUITY,
    NO_STOP_LOSS,
    QUANTITY_TOO_LARGE,
    QUANTITY_ZERO,
    SIZING_UNSUPPORTED,
    Rejected,
)
from reference_server.paper.planner.signal import SignalView
from webhook_spec.normalize import canonical_decimal

FRACTIONAL_CLASSES = frozenset({"stocks", "crypto"})  # option and futures contracts are whole units


def fractional_allowed(settings: SubscriptionSettings, instrument: Instrument) -> bool:
    """Fractions need the subscription, the broker and an asset class that has them."""
    return settings.fractional and settings.broker.fractional and instrument.asset_class in FRACTIONAL_CLASSES


def round_down(quantity: Decimal, *, fractional: bool, places: int) -> Decimal:
    """Round down to whole units, or to `places` decimals when fractions are allowed; 0 is rejected, and
    so is a quantity with more digits than Decimal's precision (28) holds (`"quantity": 1e300`)."""
    step = Decimal(1).scaleb(-places) if fractional else Decimal(1)
    try:
        rounded = quantity.quantize(step, rounding=ROUND_DOWN)
    except InvalidOperation:  # the result would need more digits than the context's precision
        raise Rejected(QUANTITY_TOO_LARGE) from None
    if rounded <= 0:
        raise Rejected(QUANTITY_ZERO)
    return canonical_decimal(rounded)


def entry_method(view: SignalView, settings: SubscriptionSettings) -> tuple[SizingMethod, Decimal]:
    """Which sizing method reads which number for an entry.

    The signal's quantity counts only with use_signal_quantity. Its quantityType counts only with
    allow_signal_quantity_type_override (then a quantity without quantityType is fixed_quantity, the
    documented default); without the override the subscription's sizing method reads the signal's
    number, so a subscription sized in dollars reads "quantity": 1000 as $1000. Without a usable
    signal quantity the subscription's sizing applies, else one unit.
    """
    subscription = settings.sizing
    if settings.use_signal_quantity and view.quantity is not None:
        if settings.allow_signal_quantity_type_override:
            return view.quantity_type or "fixed_quantity", view.quantity  # type: ignore[return-value]
        return (subscription.method if subscription else "fixed_quantity"), view.quantity
    if subscription is not None:
        return subscription.method, subscription.value
    return "fixed_quantity", Decimal(1)


def raw_quantity(
    method: SizingMethod,
    value: Decimal,
    *,
    price: Decimal | None,
    stop: Decimal | None,
    equity: Decimal | None,
    instrument: Instrument,
) -> Decimal:
    """The unrounded quantity a sizing method gives; dollars are per unit of price x multiplier."""
    if method == "fixed_quantity":
        return value
    if method == "dollar_amount":
        return value / (require(price) * instrument.multiplier)
    if method == "percent_of_equity":
        if equity is None:
            raise Rejected(NO_EQUITY)
        return equity * value / HUNDRED / (require(price) * instrument.multiplier)
    if method == "risk_dollar_amount":
        return value / (_risk_per_unit(require(price), stop, instrument))
    raise ValueError(f"{method!r} does not size entries")


def _risk_per_unit(price: Decimal, stop: Decimal | None, instrument: Instrument) -> Decimal:
    """The loss per unit if the stop is hit: |entry - stop| x multiplier."""
    if instrument.asset_class == "futures":  # FACTS.md: dollar-risk sizing is not supported for futures
        raise Rejected(SIZING_UNSUPPORTED)
    if stop is None or stop == price:
        raise Rejected(NO_STOP_LOSS)
    return abs(price - stop) * instrument.multiplier


def exit_quantity(wanted: Decimal | None, held: Decimal, *, fractional: bool, places: int) -> Decimal:
    """How much of a position of size `held` to exit: all of it unless `wanted` is less."""
    if wanted is None or wanted >= held:
        return held  # a full exit closes the exact position, fractions included
    return round_down(wanted, fractional=fractional, places=places)


def exit_wanted(view: SignalView, held: Decimal, settings: SubscriptionSettings) -> Decimal | None:
    """The quantity an exit signal asks for, or None for the full position.

    Exits use the whole position unless the signal sends a quantity and the subscription has
    use_signal_quantity (the vendor's position-sizing page). percent_of_position counts without
    allow_signal_quantity_type_override: that setting overrides the subscription's entry sizing,
    and exits have no subscription sizing to override.
    """
    if not settings.use_signal_quantity or view.quantity is None:
        return None
    if view.quantity_type == "percent_of_position":
        return held * view.quantity / HUNDRED
    return view.quantity
