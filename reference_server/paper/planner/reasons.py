"""Every reason a plan can be rejected for: a short machine code and a one-line meaning."""

from __future__ import annotations

NOTHING_TO_DO = "nothing-to-do"
NO_POSITION = "no-position"
POSITION_EXISTS = "position-exists"
OUTSIDE_TRADING_WINDOW = "outside-trading-window"
SIDE_NOT_ALLOWED = "side-not-allowed"
NO_PRICE = "no-price"
NO_EQUITY = "no-equity"
NO_STOP_LOSS = "no-stop-loss"
INVALID_PRICE = "invalid-price"
QUANTITY_ZERO = "quantity-zero"
QUANTITY_TOO_LARGE = "quantity-too-large"
SIZING_UNSUPPORTED = "sizing-unsupported"
ORDER_TYPE_UNSUPPORTED = "order-type-unsupported"
TIME_IN_FORCE_UNSUPPORTED = "time-in-force-unsupported"
NO_CONTRACT = "no-contract"
EXPIRED = "expired"

REASONS: dict[str, str] = {
    NOTHING_TO_DO: "the signal yields no cancel, no exit and no entry",
    NO_POSITION: "the signal only reduces a position, and none is open (exit, add, sentiment flat)",
    POSITION_EXISTS: "already holding this side and the subscription does not allow adding to positions",
    OUTSIDE_TRADING_WINDOW: "the clock is outside every trading window and nothing is exempt",
    SIDE_NOT_ALLOWED: "the only thing to do is an entry on a side the subscription does not trade",
    NO_PRICE: "a computation needs a price and there is no quote and no signalPrice",
    NO_EQUITY: "percent-of-equity sizing needs the account equity, and the snapshot has none",
    NO_STOP_LOSS: "risk sizing needs a stop loss the plan places, away from the entry price",
    INVALID_PRICE: "a computed price (take profit, stop loss, trailing stop) is zero or negative",
    QUANTITY_ZERO: "the computed quantity rounds down to zero",
    QUANTITY_TOO_LARGE: "the computed quantity has more than 28 significant digits, kept decimals counted",
    SIZING_UNSUPPORTED: "the sizing method does not apply to the asset class (risk sizing on futures)",
    ORDER_TYPE_UNSUPPORTED: "neither the requested order type nor the default is supported",
    TIME_IN_FORCE_UNSUPPORTED: "neither the requested time in force nor the default is supported",
    NO_CONTRACT: "option chain selection found no contract matching the signal",
    EXPIRED: "the signal's expiresAt passed before it was executed (for example after its delay)",
}


class Rejected(Exception):
    """Raised inside the planner to abandon a plan; plan_trade turns it into a rejected Plan."""

    def __init__(self, reason: str) -> None:
        """Carry one of the REASONS codes."""
        if reason not in REASONS:
            raise ValueError(f"unknown rejection reason {reason!r}")
        super().__init__(reason)
        self.reason = reason
