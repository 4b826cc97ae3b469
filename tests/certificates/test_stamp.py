"""The fast renderer against the design: every certificate must look like WeasyPrint's whole-page layout."""

import dataclasses
from collections import Counter

import pypdfium2
import pytest
from PIL import ImageChops

from app.certificates import overlay, pdf
from app.certificates.pdf import render_certificate, render_reference
from tests.certificates.helpers import lines_of, make_content, read, squeezed, text_of

DPI = 100
# Share of the page's pixels allowed to differ by more than a quarter of full scale. What differs on a
# faithful certificate is anti-aliasing: the QR code drawn as rectangles rather than segno's path (about
# 0.11 %), and hinting of a few glyphs. A line shifted by a point, a wrong line break or a missing word
# costs several times this.
TOLERANCE = 0.0025

CASES = {
    "english award": {},
    "french second prize": {"language": "fr", "place": 2, "organisation_name": "Ηράκλειο"},
    "bilingual participation": {
        "language": "both",
        "kind": "participation",
        "place": None,
        "organisation_name": "Београд",
        "country_name": "Serbia",
        "country_name_fr": "Serbie",
    },
    "bilingual joint prize, one signatory": {
        "language": "both",
        "joint": True,
        "organisation_name": "Şişli",
        "signatories": (("Demo Chair", "Chair of the Jury"),),
    },
    "special mention, no project, no reference": {
        "language": "fr",
        "place": None,
        "special_mention": True,
        "project_title": "",
        "reference": "",
        "organisation_kind": "region",
    },
    "long texts that wrap, three signatories": {
        "language": "both",
        "organisation_name": "Demo Municipality with a very long official name, Jyväskylä and Surčin",
        "project_title": ("Roma and non-Roma neighbours learning, working and celebrating together " * 4)[
            :290
        ],
        "signatories": (
            ("Demo One", "President of the Congress"),
            ("Demo Two", "Chair of the Jury"),
            ("Demo Three", "Secretary General of the Congress"),
        ),
        "verification_url": "https://prizejury.example.org/verify/" + "x" * 60,
    },
}


def pixels(pdf_bytes: bytes):
    document = pypdfium2.PdfDocument(pdf_bytes)
    try:
        return document[0].render(scale=DPI / 72).to_pil().convert("L")
    finally:
        document.close()


def differing_share(first: bytes, second: bytes) -> float:
    difference = ImageChops.difference(pixels(first), pixels(second)).point(lambda value: 255 * (value > 64))
    histogram = difference.histogram()
    return histogram[255] / sum(histogram)


@pytest.mark.parametrize("overrides", CASES.values(), ids=CASES.keys())
def test_certificate_looks_like_the_whole_page_laid_out_by_weasyprint(overrides):
    content = make_content(**overrides)

    share = differing_share(render_certificate(content), render_reference(content))

    assert share < TOLERANCE


def test_the_comparison_sees_a_one_point_shift(monkeypatch):
    """The tolerance is tight enough to catch a paragraph one point out of place."""
    content = make_content()
    x, top, width, height = overlay.MIDDLE
    monkeypatch.setattr(overlay, "MIDDLE", (x + 1, top, width, height))

    assert differing_share(render_certificate(content), render_reference(content)) > 2 * TOLERANCE


@pytest.mark.parametrize("overrides", CASES.values(), ids=CASES.keys())
def test_certificate_says_what_the_whole_page_says(overrides):
    content = make_content(**overrides)

    # The same characters, white space aside: readers cut the two layouts' lines into words differently.
    assert Counter(squeezed(text_of(render_certificate(content)))) == Counter(
        squeezed(text_of(render_reference(content)))
    )


def test_french_spaces_and_quotes_survive_in_the_text_layer():
    content = make_content(language="fr", project_title="Vivre ensemble")

    assert "\u00ab\u202fVivre ensemble\u202f\u00bb" in text_of(render_certificate(content))


def test_certificate_fonts_are_subsets_of_its_own_glyphs():
    """Each certificate embeds only the glyphs it shows: a name's letters are not in another's file."""
    greek, cyrillic = (
        render_certificate(make_content(organisation_name=name, verification_code=name))
        for name in ("Ηράκλειο", "Београд")
    )

    assert "Ηράκλειο" in lines_of(greek)
    assert len(greek) < 40_000
    assert "Ηράκλειο" not in text_of(cyrillic)


def test_pages_of_a_reissue_keep_their_look():
    """A certificate reissued with a new date differs only where the date is printed."""
    content = make_content()
    reissued = dataclasses.replace(content, issued_at=content.issued_at.replace(year=2014))

    assert 0 < differing_share(render_certificate(content), render_certificate(reissued)) < 0.002
    assert read(render_certificate(reissued)).metadata["/CreationDate"].startswith("D:2014")


def test_fixed_layer_is_the_template_without_the_certificates_own_text():
    html = pdf.certificate_html([make_content()], fixed_only=True)

    assert "Dosta!-Congress Prize for Municipalities" in html
    assert "Demo President" in html
    assert "Obrnice" not in html
    assert "DOSTA-2013-001" not in html
    assert "<svg" in html  # the divider, not a QR code
    assert "<path" not in html.split('class="divider"')[1].split("</svg>")[1]
