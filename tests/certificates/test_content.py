"""What a certificate says, from plain data (app/certificates/content.py): wording, distinctions, places,
dates, file names."""

from __future__ import annotations

import json
from datetime import date

import pytest

from app.certificates.content import (
    Picture,
    awarding_body,
    ceremony_place,
    content_of,
    distinction,
    download_name,
    edition_name,
    format_date,
    ordinal,
    place_text,
    prize_name,
    snapshot,
    wording,
)
from app.certificates.models import Certificate
from app.i18n import LocalText
from tests.certificates.helpers import (
    make_content,
)


@pytest.mark.parametrize(
    ("overrides", "english", "french"),
    [
        ({}, "First Prize", "Premier prix"),
        ({"joint": True}, "Joint First Prize", "Premier prix ex aequo"),
        ({"place": 2, "joint": True}, "Joint Second Prize", "Deuxième prix ex aequo"),
        ({"place": 3}, "Third Prize", "Troisième prix"),
        ({"place": 4}, "4th Prize", "4e prix"),
        ({"place": None, "special_mention": True}, "Special Mention", "Mention spéciale"),
        (
            {"kind": "participation", "place": None},
            "Certificate of Participation",
            "Certificat de participation",
        ),
    ],
)
def test_distinction_in_both_languages(overrides, english, french):
    content = make_content(**overrides)

    assert (distinction(content, "en"), distinction(content, "fr")) == (english, french)


def test_place_text_ordinals():
    assert [place_text(make_content(place=place), "en") for place in (1, 2, 3)] == [
        "1st place",
        "2nd place",
        "3rd place",
    ]
    assert [place_text(make_content(place=place), "fr") for place in (1, 2, 3)] == [
        "1er prix",
        "2e prix",
        "3e prix",
    ]
    assert place_text(make_content(joint=True), "fr") == "1er prix ex aequo"
    assert place_text(make_content(place=None, special_mention=True), "en") is None


def test_ordinal_english_teens_and_twenties():
    assert [ordinal(number, "en") for number in (11, 12, 13, 21, 22, 23, 101, 111)] == [
        "11th",
        "12th",
        "13th",
        "21st",
        "22nd",
        "23rd",
        "101st",
        "111th",
    ]


def test_format_date_without_locale():
    assert format_date(date(2013, 10, 30), "en") == "30 October 2013"
    assert format_date(date(2017, 2, 1), "en") == "1 February 2017"
    assert format_date(date(2013, 10, 30), "fr") == "30 octobre 2013"
    assert format_date(date(2017, 8, 1), "fr") == "1er août 2017"


@pytest.mark.parametrize(
    "overrides",
    [
        {"kind": "prize"},
        {"language": "de"},
        {"organisation_kind": "city"},
        {"place": 0},
        {"place": None},
        {"place": 1, "special_mention": True},
        {"kind": "participation"},
        {"place": None, "special_mention": True, "joint": True},
    ],
)
def test_certificate_content_rejects_inconsistent_values(overrides):
    with pytest.raises(ValueError):
        make_content(**overrides)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ({"place": 1}, "Dosta-2013-1st-place-Obrnice.pdf"),
        ({"place": 2, "joint": True}, "Dosta-2013-joint-2nd-place-Obrnice.pdf"),
        ({"place": None, "special_mention": True}, "Dosta-2013-special-mention-Obrnice.pdf"),
        ({"place": None, "kind": "participation"}, "Dosta-2013-participation-Obrnice.pdf"),
        ({"place": 3, "organisation_name": "Surčin (Belgrade)"}, "Dosta-2013-3rd-place-Surčin-Belgrade.pdf"),
        ({"place": 2, "organisation_name": "Ηράκλειο"}, "Dosta-2013-2nd-place-Ηράκλειο.pdf"),
        (
            {"place": 1, "organisation_name": "Reggio nell'Emilia"},
            "Dosta-2013-1st-place-Reggio-nell-Emilia.pdf",
        ),
        ({"place": 1, "organisation_name": "<img src=x>/../"}, "Dosta-2013-1st-place-img-src-x.pdf"),
        ({"place": 1, "organisation_name": "///"}, "Dosta-2013-1st-place-certificate.pdf"),
    ],
)
def test_download_name(content, expected):
    values = {
        "kind": "award",
        "place": 1,
        "joint": False,
        "special_mention": False,
        "organisation_name": "Obrnice",
        "edition_year": 2013,
    }
    values.update(content)

    assert download_name(Certificate(content=values)) == expected


# --- The edition's texts in the certificate's languages -----------------------------------------------------


def test_wording_french_certificate_prints_the_french_edition_and_place():
    content = make_content(
        language="fr",
        edition_name="4th Dosta!-Congress Prize for Municipalities",
        edition_name_fr="4e Prix Dosta!-Congrès pour les municipalités",
        ceremony_place="Strasbourg, 25th session of the Congress",
        ceremony_place_fr="Strasbourg, 25e session du Congrès",
    )

    texts = wording(content)

    assert texts["edition"] == ["4e Prix Dosta!-Congrès pour les municipalités"]
    assert texts["ceremony"] == ["Strasbourg, 25e session du Congrès, le 30 octobre 2013"]


def test_wording_both_languages_print_each_edition_name_and_place():
    content = make_content(
        language="both", edition_name_fr="4e Prix Dosta!-Congrès", ceremony_place_fr="Strasbourg (Palais)"
    )

    texts = wording(content)

    assert texts["edition"] == ["4th Dosta!-Congress Prize for Municipalities", "4e Prix Dosta!-Congrès"]
    assert texts["ceremony"] == ["Strasbourg, 30 October 2013", "Strasbourg (Palais), le 30 octobre 2013"]


def test_snapshot_from_before_french_texts_prints_the_english_on_a_french_certificate():
    stored = snapshot(make_content(language="fr"))
    del stored["edition_name_fr"], stored["ceremony_place_fr"]

    content = content_of(Certificate(content=stored))

    assert (edition_name(content, "fr"), ceremony_place(content, "fr")) == (
        "4th Dosta!-Congress Prize for Municipalities",
        "Strasbourg",
    )


def test_certificate_content_takes_plain_strings_of_texts_with_a_language():
    content = make_content(edition_name=LocalText("4th Dosta!-Congress Prize", "en", fallback=True))

    assert type(content.edition_name) is str
    assert snapshot(content)["edition_name"] == "4th Dosta!-Congress Prize"


def test_prize_name_in_the_certificate_language():
    content = make_content(language="fr")
    assert (prize_name(content, "fr"), prize_name(content, "en")) == (
        "Prix Dosta!-Congrès pour les municipalités",
        "Dosta!-Congress Prize for Municipalities",
    )
    # Another prize's name is printed as given.
    assert prize_name(make_content(language="fr", prize_name="Prix Europa"), "fr") == "Prix Europa"


# --- The design's part of the content -----------------------------------------------------------------------

DESIGN_KEYS = (
    "prize_name_fr",
    "awarding_body",
    "awarding_body_fr",
    "accent_colour",
    "logo",
    "logo_text",
    "logo_text_fr",
    "signatures",
)


def test_snapshot_from_before_certificate_designs_reads_as_the_default_design():
    stored = snapshot(make_content())
    for key in DESIGN_KEYS:
        del stored[key]

    content = content_of(Certificate(content=stored))

    assert content == make_content()
    assert (content.logo, content.signatures, content.accent_colour) == (None, (), "")


def test_snapshot_keeps_the_pictures_digests_and_content_of_gives_their_bytes_back():
    logo = Picture.of(b"logo bytes", "image/png")
    signature = Picture.of(b"signature bytes", "image/jpeg")
    content = make_content(logo=logo, signatures=(None, signature))

    stored = snapshot(content)
    bare = content_of(Certificate(content=stored))
    whole = content_of(
        Certificate(content=stored), {logo.sha256: logo.data, signature.sha256: signature.data}
    )

    assert stored["logo"] == {"sha256": logo.sha256, "media_type": "image/png"}
    assert stored["signatures"] == [None, {"sha256": signature.sha256, "media_type": "image/jpeg"}]
    assert json.dumps(stored)  # plain JSON: no bytes
    assert (bare.logo.data, bare.signatures[1].data) == (b"", b"")
    assert (whole.logo.data, whole.signatures[1].data) == (b"logo bytes", b"signature bytes")


def test_design_wording_overrides_with_english_standing_for_french():
    content = make_content(language="both", awarding_body="City of Strasbourg", prize_name="Strasbourg Prize")

    assert wording(content)["awarding_body"] == ["City of Strasbourg", "City of Strasbourg"]
    assert (prize_name(content, "en"), prize_name(content, "fr")) == ("Strasbourg Prize", "Strasbourg Prize")
    french = make_content(awarding_body_fr="Ville de Strasbourg", prize_name_fr="Prix de Strasbourg")
    assert (awarding_body(french, "fr"), prize_name(french, "fr")) == (
        "Ville de Strasbourg",
        "Prix de Strasbourg",
    )
    assert (
        awarding_body(french, "en") == "Congress of Local and Regional Authorities of the Council of Europe"
    )


@pytest.mark.parametrize("colour", ["red", "#12305F", "#12305", "12305f0"])
def test_certificate_content_refuses_an_accent_colour_not_written_as_rrggbb(colour):
    with pytest.raises(ValueError, match="#rrggbb"):
        make_content(accent_colour=colour)
