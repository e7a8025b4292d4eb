"""Benchmarks and load: gateway throughput against a bare Flask ceiling, validation cost, kit run time."""

from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent  # subprocesses run `-m bench.*` from here
