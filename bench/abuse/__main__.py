"""Run every abuse section (or those named with --only), print its table, write the figures as JSON."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path

SECTIONS = ("slow_clients", "worst_bodies", "shared_quota")


def main(argv: list[str] | None = None) -> int:
    """Measure, print, save."""
    parser = argparse.ArgumentParser(prog="python -m bench.abuse", description=__doc__)
    parser.add_argument("--only", action="append", choices=SECTIONS, help="run only this section")
    parser.add_argument("--out", type=Path, default=Path("bench-abuse.json"), help="JSON results file")
    args = parser.parse_args(argv)
    results = {}
    for name in args.only or SECTIONS:
        section = importlib.import_module(f"bench.abuse.{name}")
        print(f"{name}...", file=sys.stderr, flush=True)
        results[name] = figures = section.measure()
        print("\n" + section.render(figures) + "\n", flush=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"results: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
