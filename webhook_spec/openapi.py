"""The OpenAPI descriptions in schema/ loaded once: dereferencing, and validators for bodies and responses."""

from __future__ import annotations

from functools import cache, cached_property
from typing import Any
from urllib.parse import urljoin
from uuid import UUID

import jsonschema_rs
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from webhook_spec.paths import schema_file
from webhook_spec.signal_schema import FORMAT_CHECKS, format_checker, signal_schema

SIGNAL_REF = "./signal.schema.json"
WEBHOOK_PATH = "/trading/webhook/{uuid}/{password}"  # the one path of openapi.yaml
WEBHOOK_PREFIX = WEBHOOK_PATH.partition("{")[0]  # "/trading/webhook/": the path up to the uuid


def webhook_path(uuid: str, password: str) -> str:
    """The path of one webhook's URL."""
    return WEBHOOK_PATH.format(uuid=uuid, password=password)


def escape_pointer(segment: str) -> str:
    """One JSON-pointer segment, escaped."""
    return segment.replace("~", "~0").replace("/", "~1")


def _unescape(segment: str) -> str:
    return segment.replace("~1", "/").replace("~0", "~")


def _is_uuid(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        return str(UUID(value)) == value.lower()
    except ValueError:
        return False


class OpenApiDocument:
    """One OpenAPI file of schema/, with the signal schema where its relative `$ref` points."""

    def __init__(self, name: str) -> None:
        self.file = schema_file(name)
        self.base_uri = self.file.resolve().as_uri()

    @cached_property
    def document(self) -> dict[str, Any]:
        """The parsed file (PyYAML is imported here: the validation path and the linter never need it)."""
        import yaml

        return yaml.safe_load(self.file.read_text(encoding="utf-8"))

    def deref(self, node: Any) -> Any:
        """Follow `node`'s chain of local `$ref`s (`#/...`) in the document."""
        while isinstance(node, dict) and str(node.get("$ref", "")).startswith("#/"):
            target: Any = self.document
            for segment in node["$ref"][2:].split("/"):
                target = target[_unescape(segment)]
            node = target
        return node

    def _resources(self) -> list[tuple[str, dict[str, Any]]]:
        """The document at its own URI, and the signal schema at its relative and absolute ids."""
        signal = signal_schema()
        return [
            (self.base_uri, self.document),
            (urljoin(self.base_uri, SIGNAL_REF), signal),
            (signal["$id"], signal),
        ]

    @cached_property
    def registry(self) -> Registry:
        """The resources of `_resources`, for the jsonschema validators."""
        return Registry().with_resources(
            (uri, Resource(contents=contents, specification=DRAFT202012))
            for uri, contents in self._resources()
        )

    def validator_at(self, pointer: str) -> Draft202012Validator:
        """A validator for the schema at `pointer` in the document (formats asserted)."""
        checker = format_checker()
        checker.checks("uuid")(_is_uuid)
        return Draft202012Validator(
            {"$ref": f"{self.base_uri}#{pointer}"}, registry=self.registry, format_checker=checker
        )

    def fast_validator_at(self, pointer: str) -> jsonschema_rs.Draft202012Validator:
        """`validator_at(pointer)` compiled by jsonschema-rs, with the same format checks: says only valid or
        not, about 100 times faster on a conforming body."""
        registry = jsonschema_rs.Registry(self._resources())
        formats = {**FORMAT_CHECKS, "uuid": _is_uuid}
        return jsonschema_rs.Draft202012Validator(
            {"$ref": f"{self.base_uri}#{pointer}"}, registry=registry, validate_formats=True, formats=formats
        )

    def _operation_pointer(self, path: str, method: str) -> str | None:
        operation = self.document["paths"].get(path, {}).get(method.lower())
        return None if operation is None else f"/paths/{escape_pointer(path)}/{method.lower()}"

    def _json_schema_pointer(self, pointer: str, node: Any) -> str | None:
        ref = node.get("$ref", "") if isinstance(node, dict) else ""
        base = ref[1:] if ref.startswith("#/") else pointer
        if "application/json" not in self.deref(node).get("content", {}):
            return None
        return f"{base}/content/application~1json/schema"

    @cache  # noqa: B019 - two documents per process, each kept for the process's life
    def request_validator(self, path: str, method: str) -> Draft202012Validator | None:
        """The validator of an operation's JSON request body, or None when it takes none."""
        operation = self._operation_pointer(path, method)
        body = None if operation is None else self.document["paths"][path][method.lower()].get("requestBody")
        pointer = None if body is None else self._json_schema_pointer(f"{operation}/requestBody", body)
        return None if pointer is None else self.validator_at(pointer)

    def _response_pointer(self, path: str, method: str, status: int) -> str | None:
        """Where the schema of a documented JSON response body is, or None when the status is undocumented."""
        operation = self._operation_pointer(path, method)
        responses = {} if operation is None else self.document["paths"][path][method.lower()]["responses"]
        if str(status) not in responses:
            return None
        return self._json_schema_pointer(f"{operation}/responses/{status}", responses[str(status)])

    @cache  # noqa: B019 - as above
    def response_validator(self, path: str, method: str, status: int) -> Draft202012Validator | None:
        """The validator of a documented JSON response body, or None when the status is undocumented."""
        pointer = self._response_pointer(path, method, status)
        return None if pointer is None else self.validator_at(pointer)

    @cache  # noqa: B019 - as above
    def fast_response_validator(
        self, path: str, method: str, status: int
    ) -> jsonschema_rs.Draft202012Validator | None:
        """`response_validator`'s schema compiled by jsonschema-rs (`fast_validator_at`)."""
        pointer = self._response_pointer(path, method, status)
        return None if pointer is None else self.fast_validator_at(pointer)

    def documented_statuses(self, path: str, method: str) -> frozenset[int]:
        """The statuses the document gives for a method on a path."""
        operation = self.document["paths"].get(path, {}).get(method.lower(), {"responses": {}})
        return frozenset(int(status) for status in operation["responses"] if status.isdigit())


WEBHOOK_API = OpenApiDocument("openapi.yaml")
CONTROL_API = OpenApiDocument("control-api.yaml")
OPENAPI_FILE = WEBHOOK_API.file
BASE_URI = WEBHOOK_API.base_uri


def openapi_document() -> dict[str, Any]:
    """The parsed schema/openapi.yaml."""
    return WEBHOOK_API.document


def deref(node: Any) -> Any:
    """Follow local `$ref`s in schema/openapi.yaml."""
    return WEBHOOK_API.deref(node)


def openapi_registry() -> Registry:
    """schema/openapi.yaml's registry (with the signal schema)."""
    return WEBHOOK_API.registry


def validator_at(pointer: str) -> Draft202012Validator:
    """A validator for the schema at `pointer` in schema/openapi.yaml."""
    return WEBHOOK_API.validator_at(pointer)


def response_validator(method: str, status: int) -> Draft202012Validator | None:
    """The validator of a documented webhook response body, or None when the status is undocumented."""
    return WEBHOOK_API.response_validator(WEBHOOK_PATH, method, status)


def fast_response_validator(method: str, status: int) -> jsonschema_rs.Draft202012Validator | None:
    """`response_validator(method, status)` compiled by jsonschema-rs: valid or not, fast."""
    return WEBHOOK_API.fast_response_validator(WEBHOOK_PATH, method, status)


def documented_statuses(method: str) -> frozenset[int]:
    """The statuses schema/openapi.yaml documents for a method on the webhook path."""
    return WEBHOOK_API.documented_statuses(WEBHOOK_PATH, method)


@cache
def scenario_rate_limits() -> str:
    """The rate limits of a webhook made for scenarios, which none reaches: control-api.yaml's default."""
    created = CONTROL_API.document["components"]["schemas"]["WebhookCreate"]
    return created["properties"]["rate_limits"]["default"]


@cache
def asset_classes() -> tuple[str, ...]:
    """The asset classes a webhook trades: the AssetClass enum of schema/control-api.yaml."""
    return tuple(CONTROL_API.document["components"]["schemas"]["AssetClass"]["enum"])
