"""The linter on any mix of JSON pieces, quotes people type and placeholders: it never raises, its problems
lie inside the template, and fixing twice changes nothing."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from webhook_spec.lint import fix_template, lint_template, report_to_json

PIECES = [
    *"{}[]:,\"' \n\\a1",
    "\u201c",
    "\ud800",
    "\u201d",
    "//",
    "/*",
    "*/",
    "true",
    "True",
    "NaN",
    '"ticker"',
    '"action"',
    '"Ticker"',
    '"qty"',
    '"buy"',
    '"exit"',
    '"sentiment"',
    '"takeProfit"',
    '"percent"',
    "{{ticker}}",
    "{{close}}",
    "{{plot_0}}",
    '{{plot("A")}}',
    "{{strategy.order.action}}",
    "{{strategy.market_position}}",
    "{{ Ticker }}",
    "{{tikcer}}",
    "{{",
    "}}",
    "{{strategy.order.alert_message}}",
]
TEMPLATES = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEMPLATES)
def test_any_template_is_linted_and_fixed_idempotently(text):
    report = lint_template(text)
    lines = text.split("\n")
    for problem in report_to_json(report)["problems"]:
        assert 1 <= problem["line"] <= len(lines)
        assert 1 <= problem["column"] <= len(lines[problem["line"] - 1]) + 1
    assert report.renderings
    fixed = fix_template(text)
    assert fix_template(fixed) == fixed
