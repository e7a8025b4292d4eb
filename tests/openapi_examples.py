"""Every example an OpenAPI document gives beside a schema, for the tests that validate them."""

from collections.abc import Iterator
from typing import Any

from webhook_spec.openapi import OpenApiDocument, escape_pointer


def examples(api: OpenApiDocument, node: Any, pointer: str = "") -> Iterator[tuple[str, Any, str]]:
    """Every example beside a schema under `node` (media types, parameters, headers), as
    (where, value, schema pointer); `pointer` is `node`'s place in the document."""
    if isinstance(node, dict):
        if "schema" in node and "example" in node:
            yield pointer, node["example"], f"{pointer}/schema"
        if "schema" in node and isinstance(node.get("examples"), dict):
            for name, example in node["examples"].items():
                yield f"{pointer}/examples/{name}", api.deref(example)["value"], f"{pointer}/schema"
        for key, value in node.items():
            yield from examples(api, value, f"{pointer}/{escape_pointer(key)}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from examples(api, value, f"{pointer}/{index}")
