"""The trade planner: pure functions from a signal, settings, account, quote and clock to a Plan.

A leaf: it imports nothing of reference_server outside itself, only webhook_spec (the spec's grammar).
"""

from reference_server.paper.planner.model import (
    AccountSnapshot,
    BrokerCapabilities,
    Instrument,
    Note,
    OpenOrder,
    Order,
    Plan,
    Position,
    Quote,
    Sizing,
    StopLoss,
    SubscriptionSettings,
    TakeProfit,
    TradingWindow,
)
from reference_server.paper.planner.options import (
    add_months,
    option_type_note,
    resolve_expiration,
    scan_option_type,
    select_contract,
    select_from_signal,
)
from reference_server.paper.planner.planner import plan_trade
from reference_server.paper.planner.reasons import REASONS
from reference_server.paper.planner.windows import windows_open

__all__ = [
    "REASONS",
    "AccountSnapshot",
    "BrokerCapabilities",
    "Instrument",
    "Note",
    "OpenOrder",
    "Order",
    "Plan",
    "Position",
    "Quote",
    "Sizing",
    "StopLoss",
    "SubscriptionSettings",
    "TakeProfit",
    "TradingWindow",
    "add_months",
    "option_type_note",
    "plan_trade",
    "resolve_expiration",
    "scan_option_type",
    "select_contract",
    "select_from_signal",
    "windows_open",
]
