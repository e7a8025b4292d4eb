"""schema/tradingview-placeholders.json: well-formed, with the placeholders and values of TRADINGVIEW.md."""

import json
import re

import pytest
from jsonschema import Draft202012Validator

from tests.sources import source_path
from webhook_spec import Signal, validate_document
from webhook_spec.lint.placeholders import NAN, known_names, placeholder, placeholder_catalogue
from webhook_spec.paths import schema_file


def placeholders_section() -> str:
    """TRADINGVIEW.md's "Placeholders" section."""
    text = source_path("TRADINGVIEW.md").read_text(encoding="utf-8")
    return text.split("## Placeholders", 1)[1].split("\n## ", 1)[0]


def test_catalogue_matches_its_schema():
    schema = json.loads(schema_file("tradingview-placeholders.schema.json").read_text(encoding="utf-8"))
    document = json.loads(schema_file("tradingview-placeholders.json").read_text(encoding="utf-8"))
    assert [error.message for error in Draft202012Validator(schema).iter_errors(document)] == []


def test_every_placeholder_of_tradingview_md_is_known_and_every_known_one_is_there():
    written = set(re.findall(r"\{\{(.*?)\}\}", placeholders_section()))
    assert {name for name in written if placeholder(name) is None} == set()
    spelled = {name for name in known_names() if not name.startswith("plot_")} | {"plot_0", "plot_19"}
    assert spelled - set(re.findall(r"\{\{(.*?)\}\}", placeholders_section())) == set()


def test_plots_are_numbered_0_to_19():
    assert [name for name in known_names() if name.startswith("plot_")] == [f"plot_{n}" for n in range(20)]
    assert placeholder('plot("RSI")') is not None and placeholder("plot_20") is None


def test_enumerated_values_are_those_tradingview_md_lists():
    lines = placeholders_section().splitlines()
    for entry in placeholder_catalogue():
        if entry.kind != "enumerated":
            continue
        line = next(line for line in lines if "{{" + entry.name + "}}" in line)
        listed = re.findall(r"`([a-z]+)`", line.split(":", 1)[1])
        assert list(entry.values) == listed, entry.name


@pytest.mark.parametrize("entry", placeholder_catalogue(), ids=lambda entry: entry.name)
def test_each_value_is_of_its_kind(entry):
    for value in entry.values:
        if entry.kind == "number":
            assert value == NAN or isinstance(json.loads(value), int | float)
        elif entry.kind == "time":
            assert isinstance(validate_document({"ticker": "AAPL", "action": "buy", "time": value}), Signal)
        elif entry.kind == "message":
            assert isinstance(validate_document(json.loads(value)), Signal)
    assert (NAN in entry.values) == entry.name.startswith("plot")
