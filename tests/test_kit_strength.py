"""The kit fails every broken gateway of the catalogue, naming a requirement it breaks, and passes the
reference on the same run; docs/kit-strength.md shows that run and a score of 100%.

One catalogue run serves for every test here: all gateways from one server process (the reference's
own server), each kit run a `python -m conformance run` subprocess, two at a time.
"""

from __future__ import annotations

import pytest

from tests.broken_gateways.catalogue import ENTRIES, Entry
from tests.broken_gateways.page import page_path, render
from tests.broken_gateways.run import CatalogueRun, run_catalogue
from webhook_spec.requirements import requirements

# What issue 12 asks the catalogue to cover, by the areas of its entries.
AREAS = {
    "methods",
    "lookup",
    "passwords",
    "sources",
    "X-Forwarded-For",
    "rate limits",
    "JSON errors",
    "fields",
    "tickers",
    "cross-field rules",
    "precedence",
    "responses",
    "robustness",
    "semantics",
}


@pytest.fixture(scope="module")
def catalogue_run(tmp_path_factory: pytest.TempPathFactory) -> CatalogueRun:
    """The kit run on every broken gateway and on the reference."""
    run = run_catalogue(ENTRIES, tmp_path_factory.mktemp("broken-gateways"))
    slowest = sorted(run.verdicts.values(), key=lambda verdict: -verdict.seconds)[:3]
    print(
        f"\ncatalogue run: {len(ENTRIES)} broken gateways and the reference in {run.seconds:.0f} s; slowest: "
        + ", ".join(f"{verdict.name} {verdict.seconds:.0f} s" for verdict in slowest)
    )
    return run


def test_the_catalogue_has_forty_named_entries_over_every_area():
    names = [entry.name for entry in ENTRIES]
    assert len(names) >= 40 and len(set(names)) == len(names)
    assert {entry.area for entry in ENTRIES} == AREAS
    for entry in ENTRIES:
        assert entry.requirements and set(entry.requirements) <= set(requirements()), entry.name
        assert entry.description.endswith("."), entry.name


@pytest.mark.decision("D-066")
@pytest.mark.parametrize("entry", ENTRIES, ids=[entry.name for entry in ENTRIES])
def test_the_kit_catches_the_broken_gateway(catalogue_run: CatalogueRun, entry: Entry):
    verdict = catalogue_run.verdicts[entry.name]
    assert verdict.caught(entry), (
        f"not caught: exit {verdict.exit_code}, failed {verdict.failed}, breaks {entry.requirements}\n"
        + verdict.output
    )


@pytest.mark.decision("D-067")
def test_the_reference_passes_every_selection_of_the_run(catalogue_run: CatalogueRun):
    reference = catalogue_run.reference
    assert reference.exit_code == 0 and not reference.failed, reference.output


def test_the_published_score_is_this_run_and_100_percent(catalogue_run: CatalogueRun):
    page = render(catalogue_run)
    assert f"**Score: {len(ENTRIES)} of {len(ENTRIES)} broken gateways caught (100%).**" in page
    assert page_path().is_file() and page_path().read_text(encoding="utf-8") == page, (
        f"{page_path()} is stale: run `.venv/bin/python -m tests.broken_gateways`"
    )
