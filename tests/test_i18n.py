"""The page's language, the switch that changes it, emails in their recipient's language, and the formats
(dates, numbers, amounts, countries, places) that follow it (app/i18n.py, app/mail.py, app/formatting.py)."""

import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from app.auth.models import User
from app.contests.models import Edition
from app.formatting import euro, local_datetime, local_decimal, local_score, page_country, page_ordinal
from app.i18n import LocalText, marked, pick, text_in
from app.mail import by_language
from tests.conftest import csrf_from


def html_lang(response) -> str:
    return re.search(r'<html lang="(\w+)"', response.get_data(as_text=True)).group(1)


# --- Choosing the page's language ------------------------------------------------------------------------


def test_browser_language_chooses_french(client):
    response = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"})
    page = response.get_data(as_text=True)
    assert html_lang(response) == "fr"
    assert "Se connecter" in page
    assert "Log in" not in page


def test_unknown_browser_language_gets_english(client):
    response = client.get("/", headers={"Accept-Language": "de-DE"})
    assert html_lang(response) == "en"


def test_visitor_switch_sets_cookie_and_returns_to_the_page(client):
    response = client.get("/language/fr?next=/editions/dosta-2013", headers={"Accept-Language": "en"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/editions/dosta-2013"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("lang=fr;") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert html_lang(client.get("/", headers={"Accept-Language": "en"})) == "fr"


def test_switch_refuses_to_leave_the_site(client):
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        response = client.get("/language/fr", query_string={"next": target})
        assert response.headers["Location"] == "/"


def test_switch_to_unknown_language_is_not_found_and_sets_nothing(client):
    response = client.get("/language/de?next=/")
    assert response.status_code == 404
    assert "Set-Cookie" not in response.headers or "lang=" not in response.headers["Set-Cookie"]


def test_header_offers_the_other_language_in_that_language(client):
    english = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    french = client.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert re.search(
        r'<a class="nav-link" lang="fr" hreflang="fr" href="/language/fr\?next=/">Français</a>', english
    )
    assert re.search(r'lang="en" hreflang="en" href="/language/en\?next=/">English</a>', french)


def test_signed_in_switch_saves_the_preference(client, auth, make, db):
    user = make.applicant(email="ana@obrnice.example")
    db.session.commit()
    auth.login(user.email)

    response = auth.post("/language/fr", {"next": "/account"}, form_url="/account")

    assert response.headers["Location"] == "/account"
    db.session.refresh(user)
    assert user.language == "fr"
    # The preference outranks the browser and a cookie saying otherwise.
    client.set_cookie("lang", "en")
    assert html_lang(client.get("/account", headers={"Accept-Language": "en"})) == "fr"


def test_signed_in_switch_without_csrf_changes_nothing(client, auth, make, db):
    user = make.applicant(email="ana@obrnice.example")
    db.session.commit()
    auth.login(user.email)

    response = client.post("/language/fr", data={"next": "/account"})

    assert response.status_code == 400
    db.session.refresh(user)
    assert user.language == "en"


def test_switch_by_link_never_changes_a_saved_preference(client, auth, make, db):
    user = make.applicant(email="ana@obrnice.example")
    db.session.commit()
    auth.login(user.email)

    client.get("/language/fr?next=/account")

    db.session.refresh(user)
    assert user.language == "en"


def test_account_page_saves_name_and_language(client, auth, make, db):
    user = make.juror(email="jules@jury.example", name="Jules")
    db.session.commit()
    auth.login(user.email)

    response = auth.post("/account", {"name": "Jules Martin", "language": "fr"}, follow_redirects=True)

    db.session.refresh(user)
    assert (user.name, user.language) == ("Jules Martin", "fr")
    assert "Vos informations sont enregistrées." in response.get_data(as_text=True)


def test_account_page_refuses_an_unknown_language(client, auth, make, db):
    user = make.juror(email="jules@jury.example", name="Jules")
    db.session.commit()
    auth.login(user.email)

    response = auth.post("/account", {"name": "Jules", "language": "xx"})

    assert response.status_code == 200
    assert "Not a valid choice" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.language == "en"


# --- Emails in their recipient's language ------------------------------------------------------------------


def test_registration_in_french_keeps_french_for_the_account_and_its_email(client, db, outbox):
    client.set_cookie("lang", "fr")
    page = client.get("/register").get_data(as_text=True)
    client.post(
        "/register",
        data={
            "csrf_token": csrf_from(page),
            "organisation_name": "Strasbourg",
            "kind": "municipality",
            "country": "FR",
            "contact_name": "Claire Dupont",
            "email": "claire@strasbourg.example",
            "password": "une phrase de passe solide",
            "password_confirm": "une phrase de passe solide",
        },
    )

    user = db.session.scalar(select(User).where(User.email == "claire@strasbourg.example"))
    assert user.language == "fr"
    (message,) = outbox
    assert message.subject == "Confirmez votre adresse électronique pour le Prix Dosta!-Congrès"
    assert message.body.startswith("Bonjour Claire Dupont,")


def test_organiser_in_english_invites_a_juror_in_french(client, auth, make, db, outbox):
    organiser = make.organiser(email="olga@coe.example")
    db.session.commit()
    auth.login(organiser.email)

    auth.post(
        "/manage/people/invite",
        {
            "name": "Jean Juré",
            "email": "jean@jury.example",
            "role": "juror",
            "country": "FR",
            "language": "fr",
        },
        form_url="/manage/people/invite",
    )

    (message,) = outbox
    assert message.recipients == ["jean@jury.example"]
    assert "Prix Dosta!-Congrès" in message.subject
    assert "You are invited" not in message.body
    # The organiser's own page stays English.
    assert html_lang(client.get("/manage/people")) == "en"


def test_by_language_groups_recipients_and_composes_each_group_in_its_language(app):
    people = [
        User(email="a@x.example", language="fr"),
        User(email="b@x.example", language="en"),
        User(email="c@x.example", language="fr"),
        User(email="d@x.example", language="xx"),  # unknown: English
    ]
    seen = []
    with app.test_request_context():
        for emails in by_language(people):
            seen.append((emails, local_datetime(datetime(2013, 10, 30, 11, tzinfo=UTC))))
    assert seen == [
        (["b@x.example", "d@x.example"], "30 October 2013, 12:00 CET"),
        (["a@x.example", "c@x.example"], "30 octobre 2013, 12:00 CET"),
    ]


# --- Formats ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ("€50,000", "7.5", "8.60", "Germany", "1st", "2nd")),
        ("fr", ("50\u202f000\xa0€", "7,5", "8,60", "Allemagne", "1er", "2e")),
    ],
)
def test_formats_follow_the_page_language(app, language, expected):
    with app.test_request_context(), force_locale(language):
        formatted = (
            euro(50000),
            local_score(Decimal("7.50")),
            local_decimal(Decimal("8.6"), 2),
            page_country("DE"),
            page_ordinal(1),
            page_ordinal(2),
        )
    assert formatted == expected


def test_place_label_in_french(app):
    place_label = app.jinja_env.filters["place_label"]
    with app.test_request_context(), force_locale("fr"):
        assert (place_label(1), place_label(2, joint=True), place_label(None)) == (
            "1er prix",
            "2e prix ex aequo",
            "Mention spéciale",
        )


# --- Texts written in two languages ------------------------------------------------------------------------


def test_pick_prefers_the_reader_language_then_falls_back_visibly():
    both = {"en": "Strasbourg", "fr": "Strasbourg (France)"}
    assert (pick(both, "fr"), pick(both, "fr").fallback) == ("Strasbourg (France)", False)
    english_only = pick({"en": "Opening ceremony", "fr": ""}, "fr")
    assert (english_only, english_only.lang, english_only.fallback) == ("Opening ceremony", "en", True)
    nothing = pick({"en": "", "fr": ""}, "fr")
    assert (nothing, nothing.fallback) == ("", False)


def test_text_in_reads_the_language_columns():
    class Thing:
        name_en = "Award"
        name_fr = "Prix"

    assert (text_in(Thing(), "name", "fr"), text_in(Thing(), "name", "en")) == ("Prix", "Award")


def test_marked_fallback_carries_lang_and_a_visible_note(app):
    with app.test_request_context(), force_locale("fr"):
        assert str(marked(LocalText("Opening <ceremony>", "en", fallback=True))) == (
            '<span lang="en">Opening &lt;ceremony&gt;</span> '
            '<span class="fallback-note">(en anglais uniquement)</span>'
        )
        assert str(marked(LocalText("Cérémonie", "fr"))) == "Cérémonie"
        assert str(marked("<b>plain</b>")) == "&lt;b&gt;plain&lt;/b&gt;"


def test_start_up_warns_when_the_french_catalogue_is_not_compiled(app, tmp_path, caplog):
    from app.i18n import check_catalogues

    class StandIn:
        root_path = str(tmp_path)
        logger = app.logger

    source = tmp_path / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
    source.parent.mkdir(parents=True)
    source.write_text("")
    check_catalogues(StandIn)
    assert "The fr catalogue is not compiled" in caplog.text

    caplog.clear()
    source.with_suffix(".mo").write_bytes(b"")
    check_catalogues(StandIn)
    assert caplog.text == ""


# --- Organisers' texts in two languages (translated columns) ---------------------------------------------


def _read(item, field: str, language: str) -> LocalText:
    with force_locale(language):
        return getattr(item, field)


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "4th Dosta!-Congress Prize"), ("fr", "4e Prix Dosta!-Congrès")],
)
def test_translated_reads_the_readers_language(make, language, expected):
    edition = make.edition(name_en="4th Dosta!-Congress Prize", name_fr="4e Prix Dosta!-Congrès")

    text = _read(edition, "name", language)

    assert (text, text.lang, text.fallback) == (expected, language, False)


def test_translated_falls_back_to_english_for_a_french_reader(make):
    edition = make.edition(ceremony_place_en="Strasbourg, 25th session", ceremony_place_fr="")

    text = _read(edition, "ceremony_place", "fr")

    assert (text, text.lang, text.fallback) == ("Strasbourg, 25th session", "en", True)


def test_translated_falls_back_to_french_for_an_english_reader(make):
    edition = make.edition(name_en="", name_fr="Prix Dosta!-Congrès")

    text = _read(edition, "name", "en")

    assert (text, text.lang, text.fallback) == ("Prix Dosta!-Congrès", "fr", True)


def test_translated_empty_in_both_languages_is_empty_and_no_fallback(make):
    edition = make.edition(description_en="", description_fr="")

    text = _read(edition, "description", "fr")

    assert (text, text.lang, text.fallback) == ("", "fr", False)


def test_translated_writes_and_queries_the_english_text(make, db):
    edition = make.edition(name_fr="Nom français")

    edition.name = "English name"
    db.session.flush()

    assert (edition.name_en, edition.name_fr) == ("English name", "Nom français")
    assert db.session.scalar(select(Edition.id).where(Edition.name == "English name")) == edition.id


def test_text_in_gives_the_asked_language_whatever_the_page(make):
    edition = make.edition(name_en="English name", name_fr="Nom français")

    with force_locale("en"):
        text = text_in(edition, "name", "fr")

    assert (text, text.lang, text.fallback) == ("Nom français", "fr", False)


def test_marked_fallback_of_an_edition_name(app):
    with app.test_request_context(), force_locale("en"):
        html = marked(LocalText("Prix Dosta!-Congrès", "fr", fallback=True))

    assert (
        html == '<span lang="fr">Prix Dosta!-Congrès</span> <span class="fallback-note">(French only)</span>'
    )


def test_marked_text_in_the_page_language_is_plain_and_escaped(app):
    with app.test_request_context(), force_locale("en"):
        html = marked(LocalText("Roma & Travellers", "en"))

    assert html == "Roma &amp; Travellers"


def test_local_text_keeps_its_language_when_copied_or_pickled():
    import copy
    import pickle

    text = LocalText("Strasbourg", "en", fallback=True)
    for twin in (copy.copy(text), copy.deepcopy(text), pickle.loads(pickle.dumps(text))):  # noqa: S301
        assert (twin, twin.lang, twin.fallback) == ("Strasbourg", "en", True)
