"""A short text summary of the spec: fields, rules and error codes."""

from __future__ import annotations

from collections import Counter

from webhook_spec.catalogue import error_codes
from webhook_spec.signal_schema import signal_schema


def spec_summary() -> str:
    """Describe what schema/ defines, in a few lines."""
    schema = signal_schema()
    codes = error_codes()
    stages = Counter(entry.stage for entry in codes.values())
    lines = [
        f"signal schema {schema['$id']}",
        f"  {len(schema['properties'])} fields, required: {', '.join(schema['required'])}",
        f"error codes: {len(codes)}",
    ]
    lines += [f"  {stage}: {count}" for stage, count in stages.items()]
    return "\n".join(lines)
