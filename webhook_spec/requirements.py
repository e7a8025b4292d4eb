"""The requirements catalogue (schema/requirements.json): every normative statement, by id."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from webhook_spec.paths import schema_file


@cache
def requirements() -> dict[str, dict[str, Any]]:
    """Every requirement by id, in catalogue order."""
    document = json.loads(schema_file("requirements.json").read_text(encoding="utf-8"))
    return {requirement["id"]: requirement for requirement in document["requirements"]}
