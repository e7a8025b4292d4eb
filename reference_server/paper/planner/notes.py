"""The notes of a plan: each signal field the plan did not use as asked, what it used, and which
setting (or rule) decided (DECISIONS D-078)."""

from __future__ import annotations

from dataclasses import fields
from decimal import Decimal
from typing import Any

from reference_server.paper.planner.model import (
    Instrument,
    Note,
    Order,
    Plan,
    StopLoss,
    SubscriptionSettings,
    TakeProfit,
)
from reference_server.paper.planner.orders import extended_hours_for
from reference_server.paper.planner.signal import SignalView


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _members(value: TakeProfit | StopLoss | None) -> dict[str, Any] | None:
    """A take profit or stop loss as the signal names its members (None members left out)."""
    if value is None:
        return None
    members = {_camel(f.name): getattr(value, f.name) for f in fields(value)}
    return {name: member for name, member in members.items() if member is not None}


def _leg_settings(leg: str) -> tuple[str, str]:
    suffix = "entries" if leg == "entry" else "exits"
    return f"use_signal_order_type_{suffix}", f"use_signal_time_in_force_{suffix}"


def _order_notes(view: SignalView, settings: SubscriptionSettings, order: Order) -> list[Note]:
    """orderType and timeInForce an entry or exit did not use: its setting is off, or the broker lacks it."""
    use_type, use_tif = _leg_settings(order.role)
    notes = []
    asked_and_used = (
        ("orderType", view.order_type, order.order_type, use_type, "broker.order_types"),
        ("timeInForce", view.time_in_force, order.time_in_force, use_tif, "broker.time_in_force"),
    )
    for name, asked, used, use_setting, capability in asked_and_used:
        if asked is None or asked == used:
            continue
        setting = capability if getattr(settings, use_setting) else use_setting
        why = f"{use_setting} is off" if setting == use_setting else f"the broker has no {asked}"
        message = f"{order.role}: {name} {asked} was not used ({why}); {used} was"
        notes.append(Note(name, asked, used, setting, message))
    return notes


def _sizing(settings: SubscriptionSettings) -> tuple[str, Decimal]:
    sizing = settings.sizing
    return (sizing.method, sizing.value) if sizing else ("fixed_quantity", Decimal(1))


def _fraction_setting(settings: SubscriptionSettings) -> str | None:
    """What kept a fraction off: the subscription, the broker, or (None) the asset class."""
    if not settings.fractional:
        return "fractional"
    return None if settings.broker.fractional else "broker.fractional"


def _entry_quantity_notes(
    view: SignalView, settings: SubscriptionSettings, instrument: Instrument, entry: Order
) -> list[Note]:
    """The signal's quantity and quantityType as an entry did not use them."""
    asked = view.quantity
    if asked is None:
        return []
    method, value = _sizing(settings)
    if not settings.use_signal_quantity:
        message = (
            f"entry: quantity {asked} was not used (use_signal_quantity is off); "
            f"the subscription's sizing {method} {value} was"
        )
        return [Note("quantity", asked, value, "use_signal_quantity", message)]
    override = settings.allow_signal_quantity_type_override
    used_type = (view.quantity_type or "fixed_quantity") if override else method
    notes = []
    if view.quantity_type is not None and view.quantity_type != used_type:
        message = (
            f"entry: quantityType {view.quantity_type} was not used (allow_signal_quantity_type_override "
            f"is off): quantity {asked} was read as {used_type}"
        )
        notes.append(
            Note(
                "quantityType", view.quantity_type, used_type, "allow_signal_quantity_type_override", message
            )
        )
    if used_type == "fixed_quantity" and entry.quantity != asked:
        setting = _fraction_setting(settings)
        why = f"{setting} is off" if setting else f"{instrument.asset_class} trade whole units"
        message = f"entry: quantity {asked} was rounded down to {entry.quantity} ({why})"
        notes.append(Note("quantity", asked, entry.quantity, setting, message))
    return notes


def _exit_quantity_notes(view: SignalView, settings: SubscriptionSettings, exit_order: Order) -> list[Note]:
    """The signal's quantity as an exit did not use it (whole exits)."""
    asked, used = view.quantity, exit_order.quantity
    if asked is None:
        return []
    if view.sentiment == "flat":
        message = f"exit: sentiment flat exits the whole position: quantity {asked} was not used; {used} was"
        return [Note("quantity", asked, used, None, message)]
    if view.action != "exit":
        return []
    if not settings.use_signal_quantity:
        message = (
            f"exit: quantity {asked} was not used (use_signal_quantity is off); the whole position {used} was"
        )
        return [Note("quantity", asked, used, "use_signal_quantity", message)]
    return []  # the signal schema lets an exit send only fixed_quantity or percent_of_position


def _bracket_notes(view: SignalView, settings: SubscriptionSettings, plan: Plan) -> list[Note]:
    """The signal's takeProfit and stopLoss as the plan did not use them."""
    notes = []
    brackets = (
        ("takeProfit", view.take_profit, settings.take_profit, "use_signal_take_profit"),
        ("stopLoss", view.stop_loss, settings.stop_loss, "use_signal_stop_loss"),
    )
    for name, asked, default, use_setting in brackets:
        if asked is None:
            continue
        if plan.entry is None:
            message = f"{name} was not used: the plan has no entry, and only entries take one (D-036)"
            notes.append(Note(name, _members(asked), None, None, message))
        elif not getattr(settings, use_setting):
            instead = f"the subscription's {name} was" if default else f"no {name} was placed"
            message = f"entry: {name} was not used ({use_setting} is off); {instead}"
            notes.append(Note(name, _members(asked), _members(default), use_setting, message))
    stop_type = view.stop_loss.type if view.stop_loss else None
    leg = plan.stop_loss
    if settings.use_signal_stop_loss and stop_type and leg and leg.order_type != stop_type:
        message = (
            f"stop loss: type {stop_type} was not used (the broker has no {stop_type}); {leg.order_type} was"
        )
        notes.append(Note("stopLoss.type", stop_type, leg.order_type, "broker.order_types", message))
    return notes


def plan_notes(
    view: SignalView, settings: SubscriptionSettings, instrument: Instrument, plan: Plan
) -> tuple[Note, ...]:
    """Every signal field the plan's orders did not use as asked (`view` in the contract's terms)."""
    notes: list[Note] = []
    for order in (plan.exit, plan.entry):
        if order is not None:
            notes += _order_notes(view, settings, order)
    if plan.entry is not None:
        notes += _entry_quantity_notes(view, settings, instrument, plan.entry)
    if plan.exit is not None:
        notes += _exit_quantity_notes(view, settings, plan.exit)
    notes += _bracket_notes(view, settings, plan)
    if view.extended_hours and not extended_hours_for(view, instrument) and plan.orders:
        message = f"extendedHours was not used: {instrument.asset_class} orders have no extended session"
        notes.append(Note("extendedHours", True, False, None, message))
    return tuple(notes)
