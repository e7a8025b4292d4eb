"""Loading the example corpus (schema/corpus/*.json) as (file, case) pairs."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path

from webhook_spec.paths import data_dir


def corpus_files() -> list[Path]:
    """Every corpus file, sorted."""
    return sorted((data_dir("schema") / "corpus").glob("*.json"))


def corpus_cases() -> Iterator[tuple[str, dict]]:
    """Every case of every corpus file, with its file's name."""
    for path in corpus_files():
        for case in json.loads(path.read_text(encoding="utf-8"))["cases"]:
            yield path.stem, case


def case_body(case: dict) -> bytes:
    """The request body a case sends."""
    if "bodyBase64" in case:
        return base64.b64decode(case["bodyBase64"])
    if "body" in case:
        return case["body"].encode("utf-8")
    return json.dumps(case["payload"]).encode("utf-8")
