"""Locate the spec's data directories in a source checkout or an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
# A wheel carries schema/ and features/ inside the package; a checkout has them at the root.
_CANDIDATE_ROOTS = (_PACKAGE_DIR / "_data", _PACKAGE_DIR.parent)


def data_dir(name: str) -> Path:
    """Return the directory `name` (``schema`` or ``features``) of the spec."""
    for root in _CANDIDATE_ROOTS:
        candidate = root / name
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"spec directory {name!r} not found under {_CANDIDATE_ROOTS}")


def schema_file(name: str) -> Path:
    """Return the path of a file in schema/."""
    return data_dir("schema") / name
