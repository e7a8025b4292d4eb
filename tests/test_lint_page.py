"""The linter's page in a real browser: headless Chromium types a broken alert message into
`webhook-spec lint --serve`'s page and reads the marks, the verdicts and the fixed message."""

import json
import re
import time
from collections.abc import Callable
from typing import Any

import pytest

from tests.chromium import CHROMIUM, Page, chromium_page
from tests.lint_page_server import lint_server
from webhook_spec.lint import fix_template, lint_template, report_to_json

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install chromium; .ci/run installs it)"
)
# Smart quotes around `ticker`, the string placeholder {{ticker}} unquoted, a comma after the last field.
BROKEN = '{\n  “ticker”: {{ticker}},\n  "action": "{{strategy.order.action}}",\n  "price": {{close}},\n}\n'
MARKS = (
    "Array.prototype.map.call(document.querySelectorAll('#marked mark.problem'), function (mark) {"
    " return {line: Number(mark.dataset.line), column: Number(mark.dataset.column), text: mark.textContent,"
    " numbers: mark.dataset.numbers.split(',').map(Number), label: mark.dataset.label, title: mark.title}; })"
)
PROBLEMS = (
    "Array.prototype.map.call(document.querySelectorAll('#problems li'), function (item) {"
    " return {number: Number(item.dataset.number), line: Number(item.dataset.line),"
    " column: Number(item.dataset.column), kind: item.dataset.kind}; })"
)
VERDICTS = (
    "Array.prototype.map.call(document.querySelectorAll('#renderings tr'), function (row) {"
    " return row.querySelector('.verdict').textContent; })"
)


def _wait_for(page: Page, expression: str, until: Callable[[Any], bool], timeout: float = 20.0) -> Any:
    """The value of `expression` in the page once `until(value)` holds (polled until `timeout`)."""
    deadline = time.monotonic() + timeout
    while not until(value := page.evaluate(expression)):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{expression} is still {value!r}")
        time.sleep(0.05)
    return value


def _wait_until_checked(page: Page) -> str:
    """Wait until the page has the linter's answer for what was typed, or says why not; its state."""
    return _wait_for(page, "document.body.dataset.state", lambda state: state in ("done", "error"))


def _place(template: str, text: str, occurrence: int = 0) -> tuple[int, int]:
    """Line and column (1-based) of the `occurrence`th `text` in the template, found apart from the linter."""
    offset = [match.start() for match in re.finditer(re.escape(text), template)][occurrence]
    before = template[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


@pytest.fixture(scope="module")
def server():
    with lint_server() as running:
        yield running


@pytest.fixture
def page(server, tmp_path):
    with chromium_page(tmp_path / "chromium-profile") as opened:
        opened.open(server.url)
        yield opened


def test_a_broken_message_is_marked_in_place_with_its_verdicts_and_fix(page):
    page.type_into("#template", BROKEN)
    assert _wait_until_checked(page) == "done"
    report = report_to_json(lint_template(BROKEN))

    # The marked copy is the message itself, and each problem is marked where it is: its number on the
    # marks that cover exactly the text it is about, the first at its line and column.
    assert page.evaluate("document.getElementById('marked').textContent") == BROKEN
    listed = page.evaluate(PROBLEMS)
    assert [(item["line"], item["column"], item["kind"]) for item in listed] == [
        (problem["line"], problem["column"], problem["kind"]) for problem in report["problems"]
    ]
    marks = page.evaluate(MARKS)
    expected = [
        ("smart-quote", "“ticker”"),
        ("unquoted-placeholder", "{{ticker}}"),
        ("trailing-comma", ",\n}"),
    ]
    for kind, text in expected:
        place = _place(BROKEN, text)
        number = next(
            item["number"]
            for item in listed
            if (item["line"], item["column"], item["kind"]) == (*place, kind)
        )
        covering = [mark for mark in marks if number in mark["numbers"]]
        assert covering and (covering[0]["line"], covering[0]["column"]) == place, (kind, marks)
        assert "".join(mark["text"] for mark in covering) == text.split("\n")[0]
        message = report["problems"][number - 1]["message"]
        assert all(message in mark["title"] for mark in covering)
        assert covering[0]["label"].split(",").count(str(number)) == 1
        # Clicking the problem in the list selects its text in the message typed.
        page.click(f"#problems li[data-number='{number}']")
        selected = page.evaluate(
            "(function () { var t = document.getElementById('template');"
            " return t.value.substring(t.selectionStart, t.selectionEnd); })()"
        )
        assert selected == text.split("\n")[0]
    text = page.evaluate("document.getElementById('problems').textContent")
    assert all(problem["message"] in text for problem in report["problems"])

    # Each rendering with its verdict.
    verdicts = page.evaluate(VERDICTS)
    assert verdicts == [rendering["outcome"] for rendering in report["renderings"]]
    assert verdicts and "accepted" not in verdicts

    # The fixed message, ready to copy: straight quotes, no trailing comma, {{ticker}} quoted.
    fixed = page.evaluate("document.getElementById('fixed').value")
    assert fixed == fix_template(BROKEN)
    assert '"ticker": "{{ticker}}"' in fixed and "“" not in fixed
    json.loads(fixed.replace("{{close}}", "1.5"))
    assert page.errors() == []


def test_the_copy_button_puts_the_fixed_message_on_the_clipboard(page, server):
    session, page.session = page.session, None
    page.send("Browser.grantPermissions", origin=server.url.rstrip("/"), permissions=["clipboardReadWrite"])
    page.session = session
    page.type_into("#template", BROKEN)
    assert _wait_until_checked(page) == "done"
    page.click("#copy")
    assert _wait_for(page, "document.getElementById('copied').textContent", bool) == "Copied."
    pasted = page.send(
        "Runtime.evaluate", expression="navigator.clipboard.readText()", awaitPromise=True, returnByValue=True
    )
    assert pasted["result"]["value"] == fix_template(BROKEN)


def test_a_message_that_holds_html_is_shown_as_text_and_runs_nothing(page):
    payload = '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2"></pre><b>bold</b>'
    template = '{"ticker": {{ticker}}, "action": "buy", "comment": "' + payload.replace('"', "'") + '",}'
    page.type_into("#template", template)
    assert _wait_until_checked(page) == "done"
    time.sleep(0.3)  # an injected image would have failed to load by now
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert page.evaluate("document.querySelectorAll('main script, main img, main b').length") == 0
    assert page.evaluate("document.getElementById('marked').textContent") == template
    bodies = page.evaluate("document.getElementById('renderings').textContent")
    assert "<script>window.pwned = 1</script>" in bodies
    assert page.errors() == []


def test_a_message_over_the_limit_is_refused_with_the_reason(page):
    page.evaluate(
        "(function () { var t = document.getElementById('template'); t.value = 'x'.repeat(300 * 1024);"
        " t.dispatchEvent(new Event('input', {bubbles: true})); })()"
    )
    assert _wait_until_checked(page) == "error"
    status = page.evaluate("document.getElementById('status').textContent")
    assert status.startswith("Not checked:") and "256 KiB" in status
    assert page.evaluate("document.getElementById('fixed-section').hidden") is True
