"""What axe-core cannot see, measured in Chromium on the demo: the skip link on top when focused, focus
indicators at 3:1 or more against what they sit on (forced colours included), the error summary focused after
a failed submission, and the ranking's table and charts neither clipped nor in small type at 390 and 1280 px.

A focus indicator is measured by tests/browser/focus.py.
"""

from __future__ import annotations

import pytest

from app.demo import DEMO_PASSWORD
from tests.browser.conftest import sign_in
from tests.browser.focus import focus_change
from tests.crawl import FULL_EDITION, ROLES

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def contexts(chromium, demo_server):
    made = []

    def new(**options):
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = chromium.new_context(base_url=demo_server.url, reduced_motion="reduce", **options)
        context.set_default_timeout(15_000)
        made.append(context)
        return context.new_page()

    yield new
    for context in made:
        context.close()


def _tab_stops(page, most: int = 40):
    """Every element the Tab key reaches, in order, from the top of the page until the focus leaves it."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    stops = []
    for _ in range(most):
        page.keyboard.press("Tab")
        element = page.evaluate_handle("document.activeElement").as_element()
        if element.evaluate("el => el === document.body") or (
            stops and element.evaluate("(el, first) => el === first", stops[0])
        ):
            return stops
        stops.append(element)
    raise AssertionError(f"more than {most} tab stops")


# --- The skip link ----------------------------------------------------------------------------------------


def test_skip_link_is_first_visible_on_top_and_leads_into_main(contexts):
    page = contexts()
    page.goto("/")

    page.keyboard.press("Tab")

    link = page.locator(".skip-link")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    box = link.bounding_box()
    assert box["width"] > 40 and box["height"] > 20 and box["y"] >= 0
    on_top = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('.skip-link') !== null",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert on_top, "the focused skip link is painted under something else"
    changed, needed = focus_change(page, link)
    assert changed >= needed
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


# --- Focus indicators -------------------------------------------------------------------------------------


def test_focus_indicator_contrast_on_the_navbar(contexts):
    page = contexts()
    page.goto("/")

    for name in ("Editions and laureates", "Log in", "Register your municipality"):
        link = page.locator("nav.navbar").get_by_role("link", name=name, exact=True)
        changed, needed = focus_change(page, link)
        assert changed >= needed, f"navbar link {name!r}: {changed} pixels changed at 3:1, {needed} needed"
    background = page.locator("nav.navbar").evaluate("el => getComputedStyle(el).backgroundColor")
    assert background == "rgb(11, 42, 91)"  # the navy the ring is measured against


def test_focus_indicator_contrast_on_white_and_in_forms(contexts):
    page = contexts()
    page.goto("/login")

    for element in (
        page.get_by_label("Email"),
        page.get_by_label("Password"),
        page.get_by_role("button", name="Log in"),
        page.get_by_role("link", name="Forgot your password?"),
    ):
        changed, needed = focus_change(page, element)
        assert changed >= needed, f"{element}: {changed} pixels changed at 3:1, {needed} needed"


def test_focus_indicator_contrast_inside_an_alert_and_a_table(contexts):
    page = contexts()
    page.goto("/login")
    page.get_by_role("button", name="Log in").click()
    summary_link = page.locator("[data-error-summary] a").first
    changed, needed = focus_change(page, summary_link)
    assert changed >= needed, f"link in the error summary: {changed} of {needed}"

    sign_in(page, ROLES["organiser"], DEMO_PASSWORD)
    page.goto("/manage/editions")
    table_link = page.locator("table a").first
    changed, needed = focus_change(page, table_link)
    assert changed >= needed, f"link in a table: {changed} of {needed}"


def test_every_tab_stop_of_the_login_page_shows_focus_in_forced_colours(contexts):
    page = contexts(forced_colors="active")
    page.goto("/login")
    assert page.evaluate("matchMedia('(forced-colors: active)').matches")

    stops = _tab_stops(page)

    names = []
    for stop in stops:
        name = stop.evaluate("el => el.textContent.trim() || el.name || el.id")
        changed, needed = focus_change(page, stop)
        assert changed >= needed, f"tab stop {name!r}: {changed} pixels changed at 3:1, {needed} needed"
        names.append(name)
    assert names[:2] == ["Skip to content", "Dosta!-Congress Prize"]
    assert {"email", "password", "Log in"} <= set(names)


# --- The error summary ------------------------------------------------------------------------------------


def test_failed_submission_focuses_the_error_summary_and_titles_the_page_error(contexts):
    page = contexts()
    page.goto("/login")
    title = page.title()
    assert not title.startswith("Error:")

    page.get_by_label("Email").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")  # send the empty form by keyboard

    assert page.title() == f"Error: {title}"
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert page.evaluate("document.activeElement.getAttribute('role')") == "alert"
    links = page.locator("[data-error-summary] a")
    assert links.evaluate_all("links => links.map(a => a.getAttribute('href'))") == ["#email", "#password"]
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "email"


def test_error_summary_link_to_a_group_of_options_focuses_its_first_option(contexts):
    page = contexts()
    page.goto("/register")
    page.evaluate(
        """() => {
          // an answer that is not one of the choices
          const radio = document.querySelector("input[name=kind]");
          radio.value = "neither";
          radio.checked = true;
          document.querySelector("main form").noValidate = true;
        }"""
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Register").click()

    assert page.title().startswith("Error: ")
    links = page.locator("[data-error-summary] a")
    hrefs = links.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert {"#organisation_name", "#kind-0", "#country"} <= set(hrefs)
    page.locator("[data-error-summary] a[href='#kind-0']").focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "kind-0"
    legend = page.locator("legend", has_text="It is a").bounding_box()
    assert -1 < legend["y"] < 900  # the question the options answer is in view too (at the top)


# --- The ranking at 390 and 1280 px -----------------------------------------------------------------------

MEASURE = """() => {
  const visible = el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
  const table = document.querySelector(".ranking-table");
  const box = table.closest(".table-responsive");
  const headers = [...table.querySelectorAll("thead th")].filter(visible);
  const right = box.getBoundingClientRect().right + 0.5;
  const charts = [...document.querySelectorAll("svg.ranking-chart")].filter(visible).map(svg => {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    const figure = svg.closest("figure").getBoundingClientRect();
    const texts = [...svg.querySelectorAll("text")];
    return {
      id: svg.id,
      inside: svg.getBoundingClientRect().right <= figure.right + 0.5,
      smallest: Math.min(...texts.map(t => parseFloat(getComputedStyle(t).fontSize) * scale)),
      labels: texts.map(t => [...t.childNodes].filter(n => n.nodeType === 3).map(n => n.data).join("")),
    };
  });
  return {
    page: [document.documentElement.scrollWidth, innerWidth],
    table: [box.scrollWidth, box.clientWidth],
    headersClipped: headers.filter(th => th.getBoundingClientRect().right > right).map(th => th.textContent),
    stacked: headers.length === 0,
    charts,
  };
}"""


@pytest.mark.parametrize("width", [390, 1280])
def test_ranking_table_and_charts_are_not_clipped_and_readable(contexts, demo_app, width):
    from sqlalchemy import select

    from app.contests.models import Edition
    from app.extensions import db

    edition_id = db.session.scalar(select(Edition.id).where(Edition.slug == FULL_EDITION))
    page = contexts(viewport={"width": width, "height": 900})
    sign_in(page, ROLES["organiser"], DEMO_PASSWORD)
    page.goto(f"/manage/editions/{edition_id}/ranking")

    found = page.evaluate(MEASURE)

    assert found["page"][0] <= found["page"][1], "the page scrolls sideways"
    assert found["table"][0] <= found["table"][1], "the ranking table is wider than its box"
    assert found["headersClipped"] == []
    assert found["stacked"] is (width == 390)  # a card per entry on a phone, every column at 1280
    suffix = "" if width == 1280 else "-compact"
    assert [c["id"] for c in found["charts"]] == [f"juror-chart{suffix}", f"entries-chart{suffix}"]
    for chart in found["charts"]:
        assert chart["inside"], f"{chart['id']} is wider than its figure"
        assert chart["smallest"] >= 12, f"{chart['id']}: text drawn at {chart['smallest']:.1f} px"
    entries = found["charts"][1]["labels"]
    assert [label for label in entries if label[:2] in ("1.", "2.", "3.")] == [
        "1. Obrnice",
        "2. Heraklion",
        "3. Kocaeli",
    ]
    # Stacked, the table has no headings to sort by: a select does it.
    chooser = page.get_by_label("Sort by")
    assert chooser.is_visible() is (width == 390)
    if width == 390:
        chooser.select_option(label="Organisation")
        first = page.locator(".ranking-table tbody tr th").first.inner_text()
        assert first.startswith("Demo Municipality 10")
        page.get_by_role("button", name="Reverse the order").click()
        assert page.locator(".ranking-table tbody tr th").first.inner_text().startswith("Obrnice")
    # Each chart's figures are in a table as well.
    assert page.locator("#jurors-title + .table-responsive table").count() == 1
    assert page.locator("#leading-title + .table-responsive table tbody tr").count() == 10


def test_matrix_too_wide_for_a_phone_is_a_named_region_the_keyboard_scrolls(contexts, demo_app):
    from sqlalchemy import select

    from app.contests.models import Edition
    from app.extensions import db

    edition_id = db.session.scalar(select(Edition.id).where(Edition.slug == FULL_EDITION))
    page = contexts(viewport={"width": 390, "height": 844})
    sign_in(page, ROLES["organiser"], DEMO_PASSWORD)
    page.goto(f"/manage/editions/{edition_id}/progress")
    region = page.locator(".matrix-scroll")
    assert region.get_attribute("role") == "region"
    assert region.get_attribute("aria-label") == "Every juror and entry"  # its section's heading

    for _ in range(60):  # Tab reaches it, in the page's order
        page.keyboard.press("Tab")
        if region.evaluate("el => el === document.activeElement"):
            break
    else:
        raise AssertionError("Tab never reached the matrix")
    changed, needed = focus_change(page, region)
    assert changed >= needed
    before = region.evaluate("el => el.scrollLeft")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("el => el.scrollLeft > 0", arg=region.element_handle())
    assert region.evaluate("el => el.scrollLeft") > before
