"""The webhook spec in code: loads schema/ once, validates and normalizes signals."""

from webhook_spec.validation import Signal, SignalError, validate_body, validate_document

__all__ = ["Signal", "SignalError", "validate_body", "validate_document"]
