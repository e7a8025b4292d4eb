"""A small client of the test-control API (schema/control-api.yaml): set up state, read trades.

Numbers come back as Decimal for fractional values (JSON floats are parsed as Decimal) and int for whole
ones, so the steps can compare prices exactly.
"""

from __future__ import annotations

import json
import time
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import requests

from conformance.client import PlainHttp, environment_session

CONTROL_PREFIX = "/control"


class ControlError(AssertionError):
    """The control API answered with a non-2xx status; the message has the response text."""


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def control_base(control_url: str) -> str:
    """The URL of the control API from the target's control URL (the gateway's, or its /control)."""
    base = control_url.rstrip("/")
    return base if base.endswith(CONTROL_PREFIX) else base + CONTROL_PREFIX


class ControlClient:
    """Calls the control API with the bearer token; every method returns the parsed JSON answer."""

    def __init__(self, control_url: str, token: str, timeout: float = 10.0) -> None:
        self.base = control_base(control_url)
        self.timeout = timeout
        self.session = environment_session(self.base)
        self.session.headers["Authorization"] = f"Bearer {token}"
        self.plain = PlainHttp.for_session(self.base, self.session, timeout)  # None: requests sends

    def _prepared(
        self, method: str, path: str, body: Any, params: dict[str, Any] | None
    ) -> requests.PreparedRequest:
        data = None if body is None else json.dumps(body, default=_json_default)
        headers = {"Content-Type": "application/json"} if data is not None else {}
        request = requests.Request(method, self.base + path, data=data, params=params, headers=headers)
        return self.session.prepare_request(request)

    def send(
        self, method: str, path: str, body: Any = None, params: dict[str, Any] | None = None
    ) -> requests.Response:
        """Send one request and return the response, whatever its status."""
        prepared = self._prepared(method, path, body, params)
        return self.session.send(prepared, timeout=self.timeout)

    def _status_and_text(
        self, method: str, path: str, body: Any, params: dict[str, Any] | None
    ) -> tuple[int, str]:
        """Send one request (over PlainHttp where it can): the answer's status and text."""
        if self.plain is None:
            response = self.send(method, path, body, params)
            return response.status_code, response.text
        status, _, content, _ = self.plain.send(
            self._prepared(method, path, body, params), self.session.cookies
        )
        return status, content.decode("utf-8", "replace")  # the API answers JSON: UTF-8

    def request(self, method: str, path: str, body: Any = None, params: dict[str, Any] | None = None) -> Any:
        """Send one request; a non-2xx answer raises ControlError with the response text."""
        status, text = self._status_and_text(method, path, body, params)
        if not 200 <= status < 300:
            raise ControlError(
                f"control API {method} {CONTROL_PREFIX}{path} answered {status}: {text[:1000]}"
            )
        try:
            return json.loads(text, parse_float=Decimal)
        except ValueError:
            raise ControlError(
                f"control API {method} {CONTROL_PREFIX}{path} answered non-JSON: {text[:300]!r}"
            ) from None

    def reset(self) -> dict:
        """Forget everything the control API and signals created."""
        return self.request("POST", "/reset")

    def create_webhook(self, body: dict) -> dict:
        """Create a webhook; the answer has uuid, password, path and subscriptions (id, account_id)."""
        return self.request("POST", "/webhooks", body)

    def get_webhook(self, uuid: str) -> dict:
        """A webhook's restrictions and its subscriptions with their effective settings."""
        return self.request("GET", f"/webhooks/{quote(uuid, safe='')}")

    def rotate_webhook(self, uuid: str, grace_seconds: float = 0) -> dict:
        """Give a webhook created here a new password; the old one stays valid for `grace_seconds`."""
        return self.request(
            "POST", f"/webhooks/{quote(uuid, safe='')}/rotate", {"grace_seconds": grace_seconds}
        )

    def put_account(self, account_id: str, body: dict) -> dict:
        """Replace the parts of an account that `body` names."""
        return self.request("PUT", f"/accounts/{quote(account_id, safe='')}", body)

    def get_account(self, account_id: str) -> dict:
        """The account: equity, positions, open orders."""
        return self.request("GET", f"/accounts/{quote(account_id, safe='')}")

    def put_quote(
        self, symbol: str, bid: Decimal | None, ask: Decimal | None, last: Decimal | None = None
    ) -> dict:
        """Set a symbol's quote."""
        return self.request(
            "PUT", f"/quotes/{quote(symbol, safe='')}", {"bid": bid, "ask": ask, "last": last}
        )

    def delete_quote(self, symbol: str) -> dict:
        """Remove a symbol's quote."""
        return self.request("DELETE", f"/quotes/{quote(symbol, safe='')}")

    def set_clock(self, now: str | None) -> dict:
        """Fix the gateway's clock at an RFC 3339 time, or let it run again (None)."""
        return self.request("PUT", "/clock", {"now": now})

    def trades(self, signal_id: str | None = None, log_id: str | None = None) -> list[dict]:
        """The trades of a signal, by its id or its logId (one per subscription of its webhook)."""
        if (signal_id is None) == (log_id is None):
            raise ValueError("give exactly one of signal_id and log_id")
        params = {"signal_id": signal_id} if signal_id is not None else {"log_id": log_id}
        return self.request("GET", "/trades", params=params)["trades"]

    def wait_for_trades(self, signal_id: str, seconds: float = 5.0) -> list[dict]:
        """The trades of an accepted signal, polling briefly in case the gateway trades after answering."""
        deadline = time.monotonic() + seconds
        while True:
            found = self.trades(signal_id=signal_id)
            if found or time.monotonic() >= deadline:
                return found
            time.sleep(0.1)

    def log(self, webhook: str | None = None, limit: int | None = None) -> list[dict]:
        """Signal-log entries, newest first."""
        params = {key: value for key, value in (("webhook", webhook), ("limit", limit)) if value is not None}
        return self.request("GET", "/log", params=params)["entries"]

    def close(self) -> None:
        """Close the connections."""
        self.session.close()
        if self.plain is not None:
            self.plain.close()
