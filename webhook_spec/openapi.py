"""schema/openapi.yaml loaded once: dereferencing, and validators for its schemas and responses."""

from __future__ import annotations

from functools import cache
from typing import Any
from urllib.parse import urljoin
from uuid import UUID

import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from webhook_spec.paths import schema_file
from webhook_spec.signal_schema import format_checker, signal_schema

OPENAPI_FILE = schema_file("openapi.yaml")
BASE_URI = OPENAPI_FILE.resolve().as_uri()
SIGNAL_REF = "./signal.schema.json"
WEBHOOK_PATH = "/trading/webhook/{uuid}/{password}"


@cache
def openapi_document() -> dict[str, Any]:
    """The parsed schema/openapi.yaml."""
    return yaml.safe_load(OPENAPI_FILE.read_text(encoding="utf-8"))


def escape_pointer(segment: str) -> str:
    """One JSON-pointer segment, escaped."""
    return segment.replace("~", "~0").replace("/", "~1")


def _unescape(segment: str) -> str:
    return segment.replace("~1", "/").replace("~0", "~")


def deref(node: Any) -> Any:
    """Follow `node`'s chain of local `$ref`s (`#/...`) in the OpenAPI document."""
    while isinstance(node, dict) and str(node.get("$ref", "")).startswith("#/"):
        target: Any = openapi_document()
        for segment in node["$ref"][2:].split("/"):
            target = target[_unescape(segment)]
        node = target
    return node


@cache
def openapi_registry() -> Registry:
    """The OpenAPI document at its own URI, and the signal schema where its relative `$ref` points."""
    signal = Resource.from_contents(signal_schema())
    return Registry().with_resources(
        [
            (BASE_URI, Resource(contents=openapi_document(), specification=DRAFT202012)),
            (urljoin(BASE_URI, SIGNAL_REF), signal),
            (signal.id(), signal),
        ]
    )


def _is_uuid(value: object) -> bool:
    return not isinstance(value, str) or str(UUID(value)) == value.lower()


def validator_at(pointer: str) -> Draft202012Validator:
    """A validator for the schema at `pointer` in the OpenAPI document (formats asserted)."""
    checker = format_checker()
    checker.checks("uuid", raises=ValueError)(_is_uuid)
    return Draft202012Validator(
        {"$ref": f"{BASE_URI}#{pointer}"}, registry=openapi_registry(), format_checker=checker
    )


def _response_pointer(method: str, status: int) -> str | None:
    operation = openapi_document()["paths"][WEBHOOK_PATH].get(method.lower())
    response = None if operation is None else operation["responses"].get(str(status))
    if response is None:
        return None
    ref = response.get("$ref", "")
    base = (
        ref[1:]
        if ref.startswith("#/")
        else f"/paths/{escape_pointer(WEBHOOK_PATH)}/{method.lower()}/responses/{status}"
    )
    if "application/json" not in deref(response).get("content", {}):
        return None
    return f"{base}/content/application~1json/schema"


@cache
def response_validator(method: str, status: int) -> Draft202012Validator | None:
    """The validator of a documented JSON response body, or None when the status is undocumented."""
    pointer = _response_pointer(method, status)
    return None if pointer is None else validator_at(pointer)


def documented_statuses(method: str) -> frozenset[int]:
    """The statuses the OpenAPI description documents for a method on the webhook path."""
    operation = openapi_document()["paths"][WEBHOOK_PATH].get(method.lower(), {"responses": {}})
    return frozenset(int(status) for status in operation["responses"] if status.isdigit())
