"""`python -m tests.broken_gateways`: run the catalogue and write docs/kit-strength.md from its verdicts."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from tests.broken_gateways.catalogue import ENTRIES
from tests.broken_gateways.page import page_path, render
from tests.broken_gateways.run import run_catalogue


def main() -> int:
    """Run every entry, write the page, say how long it took and what was not caught."""
    with tempfile.TemporaryDirectory(prefix="broken-gateways-") as directory:
        run = run_catalogue(ENTRIES, Path(directory))
    page_path().write_text(render(run), encoding="utf-8")
    missed = [entry.name for entry in run.entries if not run.verdicts[entry.name].caught(entry)]
    print(f"wrote {page_path()} after {run.seconds:.0f} s; not caught: {', '.join(missed) or 'none'}")
    for verdict in sorted(run.verdicts.values(), key=lambda verdict: -verdict.seconds):
        print(f"  {verdict.seconds:5.1f} s  exit {verdict.exit_code}  {verdict.name}")
    for name in missed:
        print(f"{name}:\n{run.verdicts[name].output}")
    if run.reference.exit_code != 0:
        print(f"the reference failed: {', '.join(run.reference.failed)}\n{run.reference.output}")
    return 1 if missed or run.reference.exit_code != 0 else 0


if __name__ == "__main__":
    sys.exit(main())
