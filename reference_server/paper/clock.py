"""The gateway's clock under the test-control API, and the instants a trade reckons from it.

The control API may fix the clock (`control_state`, key `clock`); otherwise it runs with the real
time. Delays and expiries beyond the latest instant there is land on it (D-049).
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

from reference_server.paper.planner import add_months
from webhook_spec.signal_schema import relative_time

LATEST = datetime.max.replace(tzinfo=UTC)  # a delay or expiry beyond it lands on it (D-049)


def now(db: sqlite3.Connection) -> datetime:
    """The gateway's clock: the test-control override, else the real time."""
    row = db.execute("SELECT value FROM control_state WHERE key = 'clock'").fetchone()
    return datetime.fromisoformat(row["value"]) if row else datetime.now(UTC)


def set_clock(db: sqlite3.Connection, moment: datetime | None) -> None:
    """Fix the clock at `moment`, or let it run again (None)."""
    db.execute("DELETE FROM control_state WHERE key = 'clock'")
    if moment is not None:
        db.execute(
            "INSERT INTO control_state (key, value) VALUES ('clock', ?)",
            (moment.astimezone(UTC).isoformat(),),
        )


def later(start: datetime, **duration: float) -> datetime:
    """`start` plus a timedelta(**duration); the latest time there is when that is beyond it (D-049)."""
    try:
        return start + timedelta(**duration)
    except OverflowError:
        return LATEST


def _months_later(start: datetime, months: int) -> datetime:
    try:
        day = add_months(start.date(), months)
    except (ValueError, OverflowError):  # past the year 9999
        return LATEST
    return start.replace(year=day.year, month=day.month, day=day.day)


def expiry(signal: dict[str, Any], received_at: datetime) -> datetime | None:
    """When the signal expires: its absolute expiresAt, or receipt plus a relative one."""
    expires = signal.get("expiresAt")
    if expires is None:
        return None
    relative = relative_time("expiresAt", expires)
    if relative is None:
        return datetime.fromisoformat(expires.upper().replace("Z", "+00:00"))
    n, unit = relative
    if unit == "month":
        return _months_later(received_at, n)
    return later(received_at, **{f"{unit}s": n})
