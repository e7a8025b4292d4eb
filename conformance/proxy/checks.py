"""What the proxy can tell about one webhook exchange from outside: the response against
schema/openapi.yaml, and its status, messageCode and payload against the oracle's prediction for the
request (pure: an exchange in, the requirements it checked and those it breaks out)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from conformance.client import Exchange
from conformance.contract import response_problems
from conformance.diff.compare import answer_of, payload_differences
from conformance.oracle import (
    ACCEPTED_REQUIREMENT,
    SERVER_CHECK,
    Prediction,
    allowed_codes,
    predict,
    requirement_for,
    stages,
)
from webhook_spec.catalogue import error_code, error_codes
from webhook_spec.openapi import WEBHOOK_PREFIX, response_validator
from webhook_spec.requirements import requirements

NO_SERVER_ERRORS = "REQ-RESPONSE-08"  # no 5xx, JSON only
ERROR_SHAPE = "REQ-RESPONSE-02"  # the catalogued status and the error body
ORDER = "REQ-PRECEDENCE-01"  # the checks run in the pipeline's order
NOT_POST = "REQ-METHOD-02"
NO_REDIRECT = "REQ-SECRET-02"  # a mangled webhook path is answered in JSON, never redirected
NO_ECHOED_PASSWORD = "REQ-SECRET-01"
STORAGE_DOWN_CODE = "rate-limit-unavailable"  # the one catalogued 5xx (D-053): not a server error
MIN_SECRET = 8  # characters of a URL's password before its echo in a response is looked for


@dataclass(frozen=True)
class Deviation:
    """A requirement an exchange breaks: what was expected and what came."""

    requirement: str
    expected: str
    found: str


@dataclass
class Judgement:
    """The requirements one exchange was checked against, and those it breaks."""

    checked: list[str] = field(default_factory=list)
    deviations: list[Deviation] = field(default_factory=list)

    def check(self, requirement: str, problem: tuple[str, str] | None = None) -> None:
        """Count `requirement` as checked; broken when `problem` (expected, found) is given."""
        if requirement not in self.checked:
            self.checked.append(requirement)
        if problem is not None and all(d.requirement != requirement for d in self.deviations):
            self.deviations.append(Deviation(requirement, *problem))


def webhook_url_parts(url: str) -> tuple[str, str] | None:
    """The uuid and password of a webhook URL's path; None when the path is not exactly the webhook path."""
    path = urlsplit(url).path
    segments = path[len(WEBHOOK_PREFIX) :].split("/")
    if len(segments) != 2 or not all(segments) or {".", ".."} & set(segments):
        return None
    return unquote(segments[0]), unquote(segments[1])


def on_webhook_path(url: str) -> bool:
    """Whether the proxy checks an exchange to `url`: its path is under the webhook prefix."""
    return urlsplit(url).path.startswith(WEBHOOK_PREFIX)


def answer(status: int, code: str | None) -> str:
    """How an answer reads in a report: `400 invalid-action`, `200`."""
    return f"{status} {code}" if code else str(status)


def expected_answer(prediction: Prediction) -> str:
    """The predicted answer as a report says it."""
    if prediction.accepted:
        return "200 with the normalized signal as its payload"
    where = f" (at {prediction.pointer})" if prediction.pointer else ""
    return answer(prediction.status, prediction.code) + where


def judge(exchange: Exchange) -> Judgement:
    """Check a webhook exchange (`on_webhook_path`): the contract, then the answer the request predicts."""
    judgement = Judgement()
    code = answer_of(exchange).code
    _check_contract(exchange, code, judgement)
    parts = webhook_url_parts(exchange.sent_url)
    if parts is None:
        location = exchange.response_headers.get("Location")
        redirected = 300 <= exchange.status < 400 or location is not None
        found = f"{exchange.status}, Location {location!r}"
        judgement.check(NO_REDIRECT, ("an answer in JSON, no redirect", found) if redirected else None)
        return judgement
    _check_password_not_echoed(exchange, parts[1], judgement)
    if exchange.method != "POST":
        _check_not_post(exchange, code, judgement)
    else:
        prediction = predict(exchange.request_body, _header(exchange.request_headers, "Content-Encoding"))
        _check_prediction(exchange, code, prediction, judgement)
    return judgement


def _header(headers: dict[str, str], name: str) -> str | None:
    return next((value for key, value in headers.items() if key.lower() == name.lower()), None)


def _check_contract(exchange: Exchange, code: str | None, judgement: Judgement) -> None:
    if exchange.status == error_code(STORAGE_DOWN_CODE).status and code == STORAGE_DOWN_CODE:
        validator = response_validator(exchange.method, exchange.status)
        problems = [] if validator is None else [e.message for e in validator.iter_errors(exchange.json())]
    else:
        problems = response_problems(exchange)
    if (exchange.status >= 500 and code != STORAGE_DOWN_CODE) or not _is_json(exchange):
        requirement = NO_SERVER_ERRORS
    else:
        requirement = ACCEPTED_REQUIREMENT if exchange.status == 200 else ERROR_SHAPE
    found = f"{answer(exchange.status, code)}: {'; '.join(problems)}"
    judgement.check(
        requirement, ("an answer as schema/openapi.yaml documents it", found) if problems else None
    )


def _is_json(exchange: Exchange) -> bool:
    content_type = exchange.response_headers.get("Content-Type", "")
    return exchange.method == "HEAD" or content_type.split(";")[0].strip() == "application/json"


def _check_password_not_echoed(exchange: Exchange, password: str, judgement: Judgement) -> None:
    """As the kit's step does: no header or body of the response holds the password, in any case (a
    request whose body holds it is left out: its payload may echo it)."""
    secret = password.lower()
    if len(secret) < MIN_SECRET or secret in exchange.request_body.decode("utf-8", "replace").lower():
        return
    headers = "\n".join(f"{name}: {value}" for name, value in exchange.response_headers.items())
    echoed = secret in (headers + "\n" + exchange.response_body.decode("utf-8", "replace")).lower()
    judgement.check(
        NO_ECHOED_PASSWORD, ("no password in the response", "the URL's password") if echoed else None
    )


def _check_not_post(exchange: Exchange, code: str | None, judgement: Judgement) -> None:
    expected = error_code("post-required")
    if code is not None and _catalogued(code) and error_code(code).check == SERVER_CHECK:
        return  # the HTTP server refused the request before any stage
    got = answer(exchange.status, code)
    matches = exchange.status == expected.status and (code == expected.code or exchange.method == "HEAD")
    judgement.check(NOT_POST, None if matches else (answer(expected.status, expected.code), got))


def _catalogued(code: str) -> bool:
    return code in error_codes()


def _check_prediction(
    exchange: Exchange, code: str | None, prediction: Prediction, judgement: Judgement
) -> None:
    got = answer(exchange.status, code)
    if exchange.status == 200:
        if prediction.accepted:
            _check_payload(exchange, prediction, judgement)
        else:
            rule = requirement_for(prediction.code, prediction.pointer)
            judgement.check(rule, (expected_answer(prediction), got))
        return
    if code is None:
        return  # no messageCode to compare: the contract check has said what is wrong
    if not _catalogued(code):
        judgement.check(ERROR_SHAPE, ("a messageCode of the catalogue", got))
        return
    if exchange.status != error_code(code).status:
        judgement.check(ERROR_SHAPE, (answer(error_code(code).status, code), got))
    if code == prediction.code:
        judgement.check(requirement_for(prediction.code, prediction.pointer))
    elif code in allowed_codes(prediction):
        judgement.check(ORDER)  # a stage the body does not decide answered first, as it may
    elif prediction.accepted:
        judgement.check(_refusal_requirement(code, prediction), (expected_answer(prediction), got))
    elif _stage_index(code) > _stage_index(prediction.code):  # a later check answered: the ticker's
        judgement.check(ORDER, (f"{expected_answer(prediction)}, before the ticker checks", got))
    elif _stage_index(code) < _stage_index(prediction.code):  # an earlier rule applied where it does not
        judgement.check(requirement_for(code), (expected_answer(prediction), got))
    else:  # the body's rule misjudged
        rule = requirement_for(prediction.code, prediction.pointer)
        judgement.check(rule, (expected_answer(prediction), got))


def _stage_index(code: str | None) -> int:
    return stages().index(error_code(code).stage) if code else len(stages())


def _refusal_requirement(code: str, prediction: Prediction) -> str:
    """The requirement a valid signal's refusal with `code` breaks: that of `code`'s rule at a field the
    signal has, if a requirement names both, else that of `code`."""
    for name in prediction.payload or {}:
        requirement = requirement_for(code, f"/{name}")
        if requirement and name in requirements()[requirement].get("fields", ()):
            return requirement
    return requirement_for(code) or ACCEPTED_REQUIREMENT


def _check_payload(exchange: Exchange, prediction: Prediction, judgement: Judgement) -> None:
    found = answer_of(exchange)
    if not found.readable:
        return  # the contract check has said so
    expected = prediction.payload or {}
    if not isinstance(found.payload, dict):
        judgement.check(
            ACCEPTED_REQUIREMENT, ("a payload object: the normalized signal", repr(found.payload))
        )
        return
    differing = payload_differences(expected, found.payload)
    if not differing:
        judgement.check(ACCEPTED_REQUIREMENT)
        return
    name = differing[0]
    problem = (
        f"payload.{name} = {_shown(expected, name)}",
        f"payload.{name} = {_shown(found.payload, name)}",
    )
    judgement.check(requirement_for(None, f"/{name}"), problem)


def _shown(payload: dict[str, Any], name: str) -> str:
    return repr(payload[name]) if name in payload else "(absent)"
