"""Webhook bodies generated from schema/openapi.yaml by schemathesis: valid signals (its positive mode)
and invalid ones (its negative mode), as the bytes and headers a request sends."""

from __future__ import annotations

import json
from contextlib import suppress
from functools import cache

import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.generation.modes import GenerationMode

from conformance.redaction import PASSWORD_MARKER
from webhook_spec.openapi import OPENAPI_FILE, WEBHOOK_PATH

ACCEPTED_TICKER = "AMD"  # a stock every gateway's ticker database has: generated tickers are random text
DRAWS_PER_BODY = 2  # cases drawn at most for each distinct body wanted


@cache
def webhook_operation():
    """The webhook's POST operation, with schemathesis's defaults.

    Not a schemathesis.toml found where the kit runs (this project ships one for `st run`: the kit's
    checks are its own).
    """
    schema = schemathesis.openapi.from_path(OPENAPI_FILE, config=SchemathesisConfig())
    return schema[WEBHOOK_PATH]["POST"]


def signal_strategy(mode: GenerationMode, uuid: str):
    """Cases of `mode` for the webhook `uuid`.

    The cases only make bodies (the caller sends them to the webhook's path): they never hold the
    password, so no repr of a case (Hypothesis's falsifying example, a traceback) can show it.
    """
    path = {"uuid": uuid, "password": PASSWORD_MARKER}
    return webhook_operation().as_strategy(
        generation_mode=mode, path_parameters=path, media_type="application/json"
    )


def serialized(case) -> tuple[bytes, dict[str, str]]:
    """The body and headers schemathesis would send for `case` (raw bytes for negative bodies)."""
    kwargs = case.as_transport_kwargs(base_url="http://unused")
    headers = {key: str(value) for key, value in kwargs.get("headers", {}).items()}
    if "json" in kwargs:
        return json.dumps(kwargs["json"]).encode(), headers | {"Content-Type": "application/json"}
    data = kwargs.get("data") or b""
    return (data.encode() if isinstance(data, str) else data), headers


def with_accepted_ticker(case) -> None:
    """Give a valid case's signal a ticker every gateway knows."""
    case.body = {**case.body, "ticker": ACCEPTED_TICKER}


class _Enough(BaseException):
    """Bodies enough are drawn. Not an Exception: Hypothesis lets it through instead of shrinking it."""


def drawn_bodies(mode: GenerationMode, count: int, seed_value: int) -> list[tuple[bytes, str | None]]:
    """Up to `count` distinct bodies of `mode` with their Content-Type, the same for the same seed (valid
    ones with ACCEPTED_TICKER). Hypothesis draws some bodies more than once: it draws until it has
    `count`, DRAWS_PER_BODY times as many cases at most."""
    drawn: dict[bytes, str | None] = {}
    if not count:
        return []

    @seed(seed_value)
    @settings(
        max_examples=count * DRAWS_PER_BODY,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=signal_strategy(mode, "00000000-0000-4000-8000-000000000000"))
    def draw(case) -> None:
        if mode == GenerationMode.POSITIVE:
            with_accepted_ticker(case)
        body, headers = serialized(case)
        drawn.setdefault(body, headers.get("Content-Type"))
        if len(drawn) == count:
            raise _Enough

    with suppress(_Enough):
        draw()
    return list(drawn.items())


def warm_up() -> None:
    """Draw one body of each mode (about 0.3 s): what every later draw reuses is then built (the operation
    loaded, the signal schema canonicalized, its strategies and validator), here and in a fork of this
    process, whose own draws are as random as before."""
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        drawn_bodies(mode, 1, 0)
