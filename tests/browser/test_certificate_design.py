"""The certificate design page in Chromium: refused input gets its error summary, focused, each message beside
its field, and axe finds nothing at either width (the crawl's empty submission is accepted here: every field
is optional and a colour input always has a value)."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.test_axe import TAGS, WIDTHS

pytestmark = pytest.mark.browser

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>'


def test_certificate_design_refused_input_is_explained_and_accessible(page, make, db):
    edition = make.edition()
    organiser = make.organiser(email="designer@example.test")
    db.session.commit()
    page.goto("/login")
    page.get_by_label("Email").fill(organiser.email)
    page.get_by_label("Password").fill(make.PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    page.goto(f"/manage/editions/{edition.id}/certificate-design")

    page.get_by_label("Accent colour").fill("#ffff00")
    page.get_by_label("Logo (PNG or JPEG, up to 2 MB)").set_input_files(
        files=[{"name": "logo.svg", "mimeType": "image/svg+xml", "buffer": SVG}]
    )
    page.get_by_label("Name", exact=True).first.fill("Demo Mayor")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the design").click()

    summary = page.locator("[data-error-summary]")
    assert summary.evaluate("el => el === document.activeElement")
    assert summary.get_by_role("link").count() == 3
    assert page.locator("#logo").get_attribute("aria-invalid") == "true"
    assert "SVG drawing" in page.locator("#logo-error").inner_text()
    assert page.title().startswith("Error")
    axe = Axe()
    options = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}
    for width, height in WIDTHS.values():
        page.set_viewport_size({"width": width, "height": height})
        assert axe.run(page, options=options).response["violations"] == []
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
