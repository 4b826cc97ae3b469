"""axe-core on every page of the inventory (tests/crawl.py), for every role, at 1280 and 390 px wide.

WCAG 2.1 A and AA (axe's tags wcag2a, wcag2aa, wcag21a, wcag21aa): no violation anywhere, and no page wider
than the window (reflow, which axe leaves alone). The pages are those each role reaches by links in the
demo, each form's error state and the error pages. One Chromium, one login per role; each role's pages are
checked at both widths. A summary per role and width is written to test-results/axe/ (pages checked,
violations found). axe-core itself comes from axe-playwright-python (4.12.1 in 0.1.8), never a CDN.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from app.demo import DEMO_PASSWORD
from tests.browser.conftest import sign_in
from tests.crawl import ERROR_URLS, ROLES, inventory

pytestmark = pytest.mark.browser

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = {"1280": (1280, 900), "390": (390, 844)}
REPORTS = Path("test-results/axe")
ERROR_SUMMARY_SELECTOR = "[data-error-summary]"
# Leaves the form's visible fields empty and sends it past the browser's own checks, as tests/crawl.py does.
SEND_EMPTY = """index => {
  const form = [...document.forms].filter(f => f.method === "post")[index];
  for (const el of form.elements) {
    if (el.type === "checkbox" || el.type === "radio") el.checked = false;
    else if (el.tagName === "SELECT") el.selectedIndex = -1;
    else if (!["hidden", "submit", "button", "file", "color"].includes(el.type)) el.value = "";
  }
  form.noValidate = true;
  const submit = form.querySelector("[type=submit][name]");
  form.requestSubmit(submit || undefined);
}"""


@pytest.fixture(scope="module")
def pages(demo_app):
    """What each role reaches in the demo."""
    return inventory(demo_app)


@pytest.fixture(scope="module")
def role_pages(chromium, demo_server):
    """One browser page per role, logged in once, reused at every width."""
    contexts, pages = [], {}

    def page_for(role):
        if role not in pages:
            context = chromium.new_context(base_url=demo_server.url, viewport={"width": 1280, "height": 900})
            context.set_default_timeout(20_000)
            contexts.append(context)
            page = context.new_page()
            if ROLES[role]:
                sign_in(page, ROLES[role], DEMO_PASSWORD)
            pages[role] = page
        return pages[role]

    yield page_for
    for context in contexts:
        context.close()


def _describe(where: str, violations: list[dict]) -> list[str]:
    lines = []
    for v in violations:
        targets = "; ".join(" ".join(node["target"]) for node in v["nodes"][:8])
        more = f" (+{len(v['nodes']) - 8} more)" if len(v["nodes"]) > 8 else ""
        count = len(v["nodes"])
        lines.append(f"{where}: {v['id']} ({v['impact']}, {count} elements): {v['help']} -> {targets}{more}")
    return lines


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("role", ROLES)
def test_axe_finds_no_wcag21_aa_violation(role, width, pages, role_pages):
    urls, states = pages[role].urls, pages[role].states
    page = role_pages(role)
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width], strict=True)))
    axe = Axe()
    options = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}
    problems, checked = [], []

    def check(where: str) -> None:
        page.wait_for_load_state("load")
        violations = axe.run(page, options=options).response["violations"]
        checked.append({"page": where, "violations": sum(len(v["nodes"]) for v in violations)})
        problems.extend(_describe(f"{where} [{role}, {width} px]", violations))
        # Reflow (WCAG 1.4.10), which axe does not check: the page itself never scrolls sideways.
        scroll_width, window_width = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        if scroll_width > window_width:
            problems.append(
                f"{where} [{role}, {width} px]: the page is {scroll_width} px wide, wider than the window"
            )

    for url in urls:
        page.goto(url)
        check(url)
    for state in states:
        page.goto(state.url)
        with page.expect_navigation():
            page.evaluate(SEND_EMPTY, state.index)
        assert page.locator(ERROR_SUMMARY_SELECTOR).count() > 0, f"no error summary after sending {state}"
        check(f"{state.url} (form {state.index} sent empty)")
    for name, url in ERROR_URLS.items():
        if role in ("visitor", "organiser") and name == "forbidden":
            continue
        page.goto(url)
        check(f"{url} ({name})")

    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / f"{role}-{width}.json").write_text(json.dumps(checked, indent=1))
    assert len(checked) >= len(urls) + len(states)
    assert not problems, f"{len(problems)} axe violations:\n" + "\n".join(problems)
