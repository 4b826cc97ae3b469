"""The public pages: the prize, the current edition, the archive and one edition's page."""

import re
from datetime import timedelta

from sqlalchemy import event

from app.contests import services
from app.db import utcnow
from app.formatting import local_date, local_datetime


def _text(response) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _local(app, value) -> str:
    with app.test_request_context():
        return local_datetime(value)


def test_home_shows_current_edition_deadlines_and_criteria(app, client, make):
    edition = make.edition(phase="open", name="Dosta!-Congress Prize 2029", reference_prefix="DOSTA")

    html = _text(client.get("/"))

    assert "Dosta!-Congress Prize 2029" in html
    assert "Accepting applications" in html
    assert _local(app, edition.submissions_close_at) in html
    assert _local(app, edition.judging_close_at) in html
    assert "closes in 19 days" in html or "closes in 20 days" in html
    for criterion in edition.criteria:
        assert criterion.name in html
        assert criterion.description in html
    assert "“enough” in Romani" in html
    assert "Congress of Local and Regional Authorities" in html
    assert 'href="/register"' in html


def test_home_applicant_is_sent_to_their_dashboard(client, auth, make):
    make.edition(phase="open")
    user = make.applicant()
    auth.login(user.email)

    html = _text(client.get("/"))

    assert 'href="/my"' in html
    assert "Go to my applications" in html


def test_current_edition_prefers_open_then_upcoming_then_latest(make):
    published = make.edition(phase="published", year=2031)
    upcoming = make.edition(phase="upcoming", year=2029)
    open_now = make.edition(phase="open", year=2027)

    assert services.current_edition(services.all_editions()) is open_now
    open_now.submissions_open_at = utcnow() - timedelta(days=90)
    open_now.submissions_close_at = utcnow() - timedelta(days=60)
    assert services.current_edition(services.all_editions()) is upcoming
    upcoming.submissions_open_at = utcnow() - timedelta(days=90)
    upcoming.submissions_close_at = utcnow() - timedelta(days=60)
    assert services.current_edition(services.all_editions()) is published


def test_home_shows_past_laureates(client, make):
    make.edition(phase="open", year=2027)
    past = make.edition(phase="published", year=2011, name="3rd Dosta!-Congress Prize", archived=True)
    make.award(past, make.organisation(name="Jyväskylä", country="FI"), place=1)

    html = _text(client.get("/"))

    assert "3rd Dosta!-Congress Prize" in html
    assert "Jyväskylä" in html
    assert "Finland" in html


def test_archive_renders_joint_places_as_joint(client, make):
    edition = make.edition(phase="published", year=2011, archived=True)
    make.award(edition, make.organisation(name="Jyväskylä", country="FI"), place=1)
    make.award(edition, make.organisation(name="Surčin (Belgrade)", country="RS"), place=1)
    make.award(edition, make.organisation(name="Southwark (London)", country="GB"), place=2)

    html = _text(client.get("/editions"))

    places = re.findall(r"laureate-place[^>]*>([^<]+)</span>\s*<span>\s*<strong>([^<]+)</strong>", html)
    assert places == [
        ("Joint 1st place", "Jyväskylä"),
        ("Joint 1st place", "Surčin (Belgrade)"),
        ("2nd place", "Southwark (London)"),
    ]
    assert "Serbia" in html
    assert "United Kingdom" in html


def test_archive_lists_every_edition_newest_first(client, make):
    make.edition(phase="published", year=2011, name="Edition Eleven")
    make.edition(phase="open", year=2027, name="Edition Twenty-Seven")
    make.edition(phase="published", year=2013, name="Edition Thirteen")

    html = _text(client.get("/editions"))

    positions = [html.index(name) for name in ("Edition Twenty-Seven", "Edition Thirteen", "Edition Eleven")]
    assert positions == sorted(positions)


def test_edition_page_shows_laureates_with_citations_once_published(client, make):
    edition = make.edition(phase="published", slug="dosta-2013", ceremony_place="Strasbourg")
    obrnice = make.organisation(name="Obrnice", country="CZ")
    application = make.application(
        edition_=edition, organisation_=obrnice, status="eligible", title="Community life in Obrnice"
    )
    make.award(
        edition, obrnice, place=1, application_id=application.id, citation="For peaceful co-habitation."
    )

    html = _text(client.get("/editions/dosta-2013"))

    assert "1st place" in html
    assert "Obrnice" in html
    assert "Community life in Obrnice" in html
    assert "For peaceful co-habitation." in html
    assert "Strasbourg" in html
    assert "1 application" in html


def test_unpublished_awards_appear_nowhere_public(client, make, db):
    edition = make.edition(phase="deliberation", slug="dosta-2029", name="Deliberating Edition")
    secret = make.organisation(name="Secretville", country="HU")
    application = make.application(
        edition_=edition, organisation_=secret, status="eligible", title="PLANTED-TITLE"
    )
    sheet = make.score_sheet(
        make.assignment(application, make.jury_member(edition).user),
        [9, 9, 9],
        overall_comment="PLANTED-NOTE",
    )
    make.award(edition, secret, place=1, application_id=application.id, citation="PLANTED-CITATION-7731")
    db.session.commit()
    assert sheet.id

    for url in ("/", "/editions", "/editions/dosta-2029"):
        html = _text(client.get(url))
        assert "Deliberating Edition" in html
        for planted in ("PLANTED-CITATION-7731", "PLANTED-NOTE", "PLANTED-TITLE", "Secretville", "1st place"):
            assert planted not in html, (url, planted)


def test_edition_page_heading_says_when_results_come_until_they_are_public(app, client, make):
    make.edition(phase="open", slug="dosta-2029", results_publish_at=utcnow() + timedelta(days=80))
    judging = make.edition(
        phase="judging", slug="dosta-2031", results_publish_at=utcnow() + timedelta(days=40)
    )
    with app.test_request_context():
        publish_day = local_date(judging.results_publish_at)

    open_page = _text(client.get("/editions/dosta-2029"))
    judging_page = _text(client.get("/editions/dosta-2031"))

    headings = [re.sub(r"\s+", " ", h).strip() for h in re.findall(r"<h2[^>]*>(.*?)</h2>", open_page, re.S)]
    assert headings == ["Call for applications", "Criteria", "Dates"]
    assert "Applications are open until" in open_page
    assert re.search(
        r"<h2[^>]*>\s*Results will be published on " + re.escape(publish_day) + r"\s*</h2>", judging_page
    )
    assert ">Results<" not in open_page + judging_page


def test_pages_link_the_svg_favicon_which_is_served(client):
    html = _text(client.get("/"))
    icon = client.get("/static/favicon.svg")

    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    assert (icon.status_code, icon.mimetype) == (200, "image/svg+xml")
    assert b"#0b2a5b" in icon.data
    icon.close()


def test_edition_page_unknown_slug_is_404(client):
    assert client.get("/editions/no-such-edition").status_code == 404


def test_public_pages_have_no_inline_styles_or_scripts(client, make):
    edition = make.edition(phase="open", slug="dosta-2027")
    make.award(make.edition(phase="published", archived=True), place=1)

    for url in ("/", "/editions", f"/editions/{edition.slug}"):
        html = _text(client.get(url))
        assert " style=" not in html
        assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None


def _public_queries(client, make, db, editions: int) -> list[int]:
    make.edition(phase="open")
    for _ in range(editions):
        edition = make.edition(phase="published", archived=True)
        make.award(edition, place=1)
        make.award(edition, place=1)
        make.application(edition_=edition, status="eligible")
    db.session.commit()
    counts = []
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    for url in ("/", "/editions"):
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get(url).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        counts.append(len(statements))
    return counts


def test_public_pages_query_count_does_not_grow_with_editions(client, make, db):
    few = _public_queries(client, make, db, 2)
    many = _public_queries(client, make, db, 12)

    assert few == many


# --- Texts in the reader's language -------------------------------------------------------------------------

BILINGUAL_CRITERIA = (
    {
        "name_en": "Integration",
        "name_fr": "Intégration",
        "description_en": "How does the project improve access?",
        "description_fr": "Comment le projet améliore-t-il l’accès ?",
    },
)


def _bilingual_edition(make):
    edition = make.edition(
        phase="published",
        slug="dosta-2013",
        name_en="4th Dosta!-Congress Prize for Municipalities",
        name_fr="4e Prix Dosta!-Congrès pour les municipalités",
        description_en="Over 20 municipalities took part.",
        description_fr="Plus de 20 municipalités ont participé.",
        ceremony_place_en="Strasbourg, 25th session of the Congress",
        ceremony_place_fr="Strasbourg, 25e session du Congrès",
        criteria=BILINGUAL_CRITERIA,
    )
    obrnice = make.organisation(name="Obrnice", country="CZ")
    application = make.application(edition_=edition, organisation_=obrnice, status="eligible")
    make.award(
        edition,
        obrnice,
        place=1,
        application_id=application.id,
        citation_en="For peaceful co-habitation.",
        citation_fr="Pour une cohabitation pacifique.",
    )
    return edition


def test_edition_page_in_french_shows_the_french_texts(client, make):
    _bilingual_edition(make)
    client.set_cookie("lang", "fr")

    html = _text(client.get("/editions/dosta-2013"))

    assert '<h1 class="h2">4e Prix Dosta!-Congrès pour les municipalités</h1>' in html
    assert "Plus de 20 municipalités ont participé." in html
    assert "Strasbourg, 25e session du Congrès" in html
    assert "Pour une cohabitation pacifique." in html
    assert "<strong>Intégration</strong>" in html and "Comment le projet améliore-t-il l’accès ?" in html
    assert "fallback-note" not in html
    assert "4th Dosta!-Congress" not in html.split("</title>")[1]


def test_edition_page_in_english_shows_the_english_texts(client, make):
    _bilingual_edition(make)

    html = _text(client.get("/editions/dosta-2013"))

    assert '<h1 class="h2">4th Dosta!-Congress Prize for Municipalities</h1>' in html
    assert "For peaceful co-habitation." in html and "Pour une cohabitation" not in html
    assert "fallback-note" not in html


def test_edition_page_in_french_marks_english_only_texts(client, make):
    edition = make.edition(
        phase="published",
        slug="dosta-2013",
        name_en="4th Dosta!-Congress Prize for Municipalities",
        ceremony_place_en="Strasbourg, 25th session of the Congress",
    )
    obrnice = make.organisation(name="Obrnice", country="CZ")
    make.award(edition, obrnice, place=1, citation_en="For peaceful co-habitation.")
    client.set_cookie("lang", "fr")

    html = _text(client.get("/editions/dosta-2013"))

    note = '<span class="fallback-note">(en anglais uniquement)</span>'
    assert (
        f'<h1 class="h2"><span lang="en">4th Dosta!-Congress Prize for Municipalities</span> {note}</h1>'
        in html
    )
    assert f'<span lang="en">Strasbourg, 25th session of the Congress</span> {note}' in html
    assert f'<span lang="en">For peaceful co-habitation.</span> {note}' in html
    assert "<title>4th Dosta!-Congress Prize for Municipalities" in html  # plain text in the title


def test_results_page_in_french_shows_french_citations_and_ceremony(client, make):
    _bilingual_edition(make)
    client.set_cookie("lang", "fr")

    html = _text(client.get("/editions/dosta-2013/results"))

    assert "4e Prix Dosta!-Congrès pour les municipalités</h1>" in html
    assert "Strasbourg, 25e session du Congrès" in html
    assert '<p class="mb-0">Pour une cohabitation pacifique.</p>' in html


def test_archive_in_english_marks_a_french_only_edition(client, make):
    make.edition(phase="published", name_en="", name_fr="Prix Dosta!-Congrès 2031", year=2031)

    html = _text(client.get("/editions"))

    assert (
        '<span lang="fr">Prix Dosta!-Congrès 2031</span> <span class="fallback-note">(French only)</span>'
        in html
    )
