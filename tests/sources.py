"""Access to the spec's source documents in ../shared/spec (present in checkouts and CI)."""

import json
import os
from pathlib import Path

import pytest

SOURCES = Path(__file__).resolve().parents[2] / "shared" / "spec"


def source_path(name: str) -> Path:
    """The path of a source document; skips the test when the sources are not beside the checkout."""
    path = SOURCES / name
    if not path.is_file():
        if os.environ.get("CI"):  # CI always has shared/ beside the clone: absence is a failure there
            pytest.fail(f"spec source {name} is not at {SOURCES}")
        pytest.skip(f"spec source {name} is not at {SOURCES}")
    return path


def vendor_openapi() -> dict:
    """The vendor's own OpenAPI description."""
    return json.loads(source_path("traderspost-webhook-openapi.json").read_text())


def main_document() -> str:
    """The main webhook document (Markdown)."""
    return source_path("traderspost-webhooks.md").read_text()
