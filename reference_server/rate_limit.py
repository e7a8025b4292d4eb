"""Per-webhook-URL rate limits (by default the spec's 60/minute and 500/hour) with Flask-Limiter.

The windows slide (Flask-Limiter's moving-window strategy): at any instant, at most 60 requests
in the past 60 seconds and 500 in the past 3600 seconds are let through. Storage is in-memory for
one process, or Redis (a `redis://` URI) when several workers or hosts share the limits. The limits
are counted inside the pipeline, after the password and source checks, not before every request.
"""

from __future__ import annotations

import math
import time
from functools import cache

from flask import Flask, current_app
from flask_limiter import Limiter
from limits import RateLimitItem, parse_many


def init_app(app: Flask) -> None:
    """Give the app its own limiter on the configured storage, and parse the configured limits."""
    gateway = app.config["GATEWAY"]
    limiter = Limiter(
        key_func=lambda: "",
        app=app,
        strategy="moving-window",
        storage_uri=gateway.rate_limit_storage,
        key_prefix="webhook-gateway",
        default_limits=[],
    )
    # Every request is exempt from Flask-Limiter's own before-request pass: the pipeline counts each
    # webhook request itself, after the password and source checks.
    limiter.request_filter(lambda: True)
    app.extensions["webhook_limiter"] = limiter


@cache
def _parsed(limits: str) -> list[RateLimitItem]:
    return parse_many(limits)


def hit_webhook_limits(webhook_uuid: str, limits: str | None) -> int | None:
    """Count one request to the webhook URL; None when allowed, else seconds until one would be.

    `limits` is the webhook's own setting, or None for the gateway's.
    """
    strategy = current_app.extensions["webhook_limiter"].limiter
    parsed = _parsed(limits or current_app.config["GATEWAY"].rate_limits)
    # Test every window before counting in any, so a refused request uses up no window's quota.
    full = [limit for limit in parsed if not strategy.test(limit, "webhook", webhook_uuid)]
    if not full and all(strategy.hit(limit, "webhook", webhook_uuid) for limit in parsed):
        return None
    full = full or parsed
    resets = [strategy.get_window_stats(limit, "webhook", webhook_uuid)[0] for limit in full]
    return max(1, math.ceil(max(resets) - time.time()))
