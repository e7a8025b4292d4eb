"""What the spec's validation function predicts for a webhook body (status, messageCode, normalized
payload), and which requirement a rule at a field stands for: the kit's oracle for traffic it did not make."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from conformance.robustness import BODY_LIMIT
from webhook_spec import Signal, validate_body
from webhook_spec.catalogue import error_code, error_codes
from webhook_spec.content_coding import UNSUPPORTED, content_codings, read_decoded
from webhook_spec.requirements import requirements

ACCEPTED_REQUIREMENT = "REQ-RESPONSE-01"  # a 200 carries the normalized signal as its payload
_CONTRACT = "contract"
_PRECEDENCE = "REQ-PRECEDENCE-"  # rules between codes, never the one rule a single code stands for
SERVER_CHECK = "http-parser"  # the catalogue's check of the codes the HTTP server answers by itself
BODY_STAGE_CODE = "payload-too-large"  # the first code of the first stage that reads the body
TICKER_STAGE_CODE = "ticker-does-not-exist"  # a code of the stage after the schema: the ticker checks


@dataclass(frozen=True)
class Prediction:
    """The answer the body alone decides, for a known webhook with its password and quota to spare:
    200 and the normalized signal, or the code of the first rule it breaks and where it breaks it.
    A gateway may still refuse an accepted body for what the body does not say (the ticker's existence
    or asset class, the webhook's allowed tickers)."""

    status: int
    code: str | None = None  # None: accepted
    pointer: str = ""  # JSON pointer of the offending field ("" for the body as a whole)
    payload: dict[str, Any] | None = field(default=None, compare=False)  # the normalized signal
    coded: bool = False  # the body named a content coding: a gateway may refuse it 415 (D-084)

    @property
    def accepted(self) -> bool:
        """Whether the body is a valid signal."""
        return self.code is None


def predict(body: bytes, content_encoding: str | None = None) -> Prediction:
    """The validation function's verdict on `body` once the codings its Content-Encoding names are
    undone (D-084), the body size limit (D-010) checked as sent and again as decoded."""
    coded = content_encoding is not None and content_codings(content_encoding) != ()
    decoded = read_decoded(content_encoding, lambda: body, BODY_LIMIT)
    if isinstance(decoded, str):
        return Prediction(error_code(decoded).status, decoded, coded=coded)
    outcome = validate_body(decoded)
    if isinstance(outcome, Signal):
        return Prediction(200, payload=outcome.normalized, coded=coded)
    return Prediction(outcome.status, outcome.code, outcome.pointer or "", coded=coded)  # None: no field


def field_name(pointer: str) -> str:
    """The catalogue's name of the field at `pointer`: `ticker`, `takeProfit.percent` ("" for the body)."""
    return ".".join(token.replace("~1", "/").replace("~0", "~") for token in pointer.split("/")[1:3])


@cache
def requirement_for(code: str | None, pointer: str = "") -> str:
    """The requirement that says what a gateway answers for a rule broken at `pointer` (code None: how
    an accepted signal's field at `pointer` is normalized, or the accepted answer as a whole).

    Of the contract requirements that name `code` (or, for None, `pointer`'s field), the one naming that
    very field wins, then its top-level field, then the one with fewest codes and fields; the precedence
    requirements only when nothing else names the code.
    """
    name = field_name(pointer)
    top = name.split(".")[0]
    catalogue = [r for r in requirements().values() if r["layer"] == _CONTRACT]
    if code is None:
        candidates = [r for r in catalogue if top and top in {f.split(".")[0] for f in r.get("fields", ())}]
    else:
        candidates = [r for r in catalogue if code in r.get("codes", ())]
        candidates = [r for r in candidates if not r["id"].startswith(_PRECEDENCE)] or candidates
    if not candidates:
        return ACCEPTED_REQUIREMENT if code is None else ""

    def rank(indexed: tuple[int, dict[str, Any]]) -> tuple[int, int, int, int]:
        index, requirement = indexed
        fields = requirement.get("fields", ())
        match = 0 if name and name in fields else 1 if top in fields else 2 if not fields else 3
        return match, len(requirement.get("codes", ())), len(fields), index

    return min(enumerate(candidates), key=rank)[1]["id"]


@cache
def stages() -> tuple[str, ...]:
    """The pipeline's stages in the order a gateway runs them (D-016): the catalogue's, in its order."""
    return tuple(dict.fromkeys(entry.stage for entry in error_codes().values()))


def allowed_codes(prediction: Prediction) -> frozenset[str]:
    """The codes a gateway may answer a POST of the predicted body with instead of the prediction.

    The body does not decide them: the HTTP server's own (malformed-request, request-timeout), those of
    the stages between the method and the body (lookup, password, source, rate limit), and, for an
    accepted body, the ticker checks'; for a body that named a content coding, the 415 of a gateway that
    does not decode it (D-084). Every other code, and a 200 for a refused body, breaks a rule.
    """
    refusable = frozenset({UNSUPPORTED}) if prediction.coded else frozenset()
    return _undecided_by_the_body(prediction.accepted) | refusable


@cache
def _undecided_by_the_body(accepted: bool) -> frozenset[str]:
    order = stages()
    first, body = order.index(_stage("post-required")) + 1, order.index(_stage(BODY_STAGE_CODE))
    undecided = set(order[first:body]) | ({_stage(TICKER_STAGE_CODE)} if accepted else set())
    return frozenset(
        code
        for code, entry in error_codes().items()
        if entry.stage in undecided or entry.check == SERVER_CHECK
    )


def _stage(code: str) -> str:
    return error_code(code).stage
