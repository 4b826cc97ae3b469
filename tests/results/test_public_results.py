"""The public results page and the public JSON API."""

import json

from sqlalchemy import select

from app.certificates.models import Certificate
from app.ranking import deliberation
from app.ranking.models import Award
from app.ranking.scores import load_scores
from app.results import publication


def publish(small, app, db, places=None, mention=None):
    """Record awards (A 1st, B 2nd, C 3rd by default) and publish through the service."""
    places = places or {"A": 1, "B": 2, "C": 3}
    decisions = [
        deliberation.AwardDecision(small.id_of(letter), "prize", place, f"The jury honours {letter}.")
        for letter, place in places.items()
    ]
    if mention:
        decisions.append(
            deliberation.AwardDecision(small.id_of(mention), "special_mention", None, "A mention.")
        )
    with app.test_request_context():
        scores = load_scores(small.edition)
        deliberation.record_awards(small.edition, scores, decisions, "Decided.", small.organiser)
        db.session.commit()
        publication.publish_results(small.edition, actor=small.organiser)


def codes(db) -> dict[int, str]:
    return {c.organisation_id: c.verification_code for c in db.session.scalars(select(Certificate))}


def test_api_results_exact_shape_after_publication(client, small, app, db, fake_certificates):
    small.edition.ceremony_place = "Strasbourg"
    db.session.commit()
    publish(small, app, db, mention="E")
    code = codes(db)

    response = client.get(f"/api/editions/{small.edition.slug}/results")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert response.mimetype == "application/json"

    def laureate(letter, place, country):
        entry = small.entries[letter]
        return {
            "place": place,
            "joint": False,
            "organisation": entry.organisation.name,
            "country": country,
            "project_title": entry.title,
            "citation": f"The jury honours {letter}.",
            "citation_fr": "",
            "certificate_url": f"http://localhost/certificates/{code[entry.organisation_id]}.pdf",
            "verification_url": f"http://localhost/verify/{code[entry.organisation_id]}",
        }

    assert response.get_json() == {
        "edition": {
            "slug": small.edition.slug,
            "name": small.edition.name,
            "name_fr": "",
            "year": small.edition.year,
            "ceremony_date": small.edition.ceremony_date.isoformat(),
            "ceremony_place": "Strasbourg",
            "ceremony_place_fr": "",
        },
        "laureates": [
            laureate("A", 1, "Czech Republic"),
            laureate("B", 2, "Greece"),
            laureate("C", 3, "Türkiye"),
        ],
    }
    assert list(json.loads(response.get_data(as_text=True))["laureates"][0]) == [
        "place",
        "joint",
        "organisation",
        "country",
        "project_title",
        "citation",
        "citation_fr",
        "certificate_url",
        "verification_url",
    ]


def test_api_results_marks_joint_places(client, small, app, db, fake_certificates):
    publish(small, app, db, {"A": 1, "B": 1, "C": 2})

    laureates = client.get(f"/api/editions/{small.edition.slug}/results").get_json()["laureates"]

    assert [(item["organisation"], item["place"], item["joint"]) for item in laureates] == [
        ("Obrnice", 1, True),
        ("Ηράκλειο", 1, True),
        ("Kocaeli", 2, False),
    ]


def test_api_results_not_found_before_publication(client, small, app, db):
    db.session.add(
        Award(
            edition_id=small.edition.id,
            organisation_id=small.entries["A"].organisation_id,
            application_id=small.id_of("A"),
            kind="prize",
            place=1,
            citation="SECRET CITATION",
        )
    )
    db.session.commit()

    response = client.get(f"/api/editions/{small.edition.slug}/results")

    assert response.status_code == 404
    assert response.get_json() == {"error": "not_found", "message": "No published results for this edition."}
    assert "SECRET" not in response.get_data(as_text=True)
    assert client.get("/api/editions/no-such-edition/results").status_code == 404


def test_api_editions_lists_published_and_archived_only(client, make, small, db):
    published = make.edition(phase="published", year=2015, name="5th Prize", slug="dosta-2015")
    archived = make.edition(phase="published", year=2009, name="2nd Prize", slug="dosta-2009", archived=True)
    make.edition(phase="open", slug="dosta-2027")
    db.session.commit()

    response = client.get("/api/editions")

    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert response.get_json() == {
        "editions": [
            {"slug": published.slug, "name": "5th Prize", "name_fr": "", "year": 2015},
            {"slug": archived.slug, "name": "2nd Prize", "name_fr": "", "year": 2009},
        ]
    }


def test_api_results_archived_edition_without_applications(client, make, db):
    edition = make.edition(phase="published", year=2009, slug="dosta-2009", archived=True)
    for name, country, place in (("Mostar", "BA", 1), ("Prijedor", "BA", 1), ("Volos", "GR", 2)):
        organisation = make.organisation(name=name, country=country)
        db.session.add(
            Award(
                edition_id=edition.id, organisation_id=organisation.id, kind="prize", place=place, citation=""
            )
        )
    db.session.commit()

    laureates = client.get("/api/editions/dosta-2009/results").get_json()["laureates"]

    assert laureates == [
        {
            "place": 1,
            "joint": True,
            "organisation": "Mostar",
            "country": "Bosnia and Herzegovina",
            "project_title": None,
            "citation": "",
            "citation_fr": "",
            "certificate_url": None,
            "verification_url": None,
        },
        {
            "place": 1,
            "joint": True,
            "organisation": "Prijedor",
            "country": "Bosnia and Herzegovina",
            "project_title": None,
            "citation": "",
            "citation_fr": "",
            "certificate_url": None,
            "verification_url": None,
        },
        {
            "place": 2,
            "joint": False,
            "organisation": "Volos",
            "country": "Greece",
            "project_title": None,
            "citation": "",
            "citation_fr": "",
            "certificate_url": None,
            "verification_url": None,
        },
    ]


def test_results_page_shows_laureates_citations_and_certificate_links(
    client, auth, small, app, db, fake_certificates
):
    publish(small, app, db, {"A": 1, "B": 1, "C": 2}, mention="E")
    code = codes(db)

    html = client.get(f"/editions/{small.edition.slug}/results").get_data(as_text=True)

    assert html.count("Joint 1st place") == 2
    assert "2nd place" in html
    assert "Special mention" in html
    assert "The jury honours A." in html
    assert small.entries["A"].title in html
    assert small.entries["A"].summary in html
    assert "Czech Republic" in html
    assert f'href="/verify/{code[small.entries["A"].organisation_id]}"' in html
    # an award certificate of published results is a public document
    assert f'href="/certificates/{code[small.entries["A"].organisation_id]}.pdf"' in html
    assert html.count('href="/certificates/') == 4  # A, B, C and the special mention E


def test_results_page_not_found_before_publication(client, auth, small):
    assert client.get(f"/editions/{small.edition.slug}/results").status_code == 404
    auth.login(small.organiser.email)
    assert client.get(f"/editions/{small.edition.slug}/results").status_code == 404


def test_api_results_give_both_languages_whatever_the_readers(client, make, db):
    edition = make.edition(
        phase="published",
        slug="dosta-2013",
        name_en="4th Dosta!-Congress Prize for Municipalities",
        name_fr="4e Prix Dosta!-Congrès pour les municipalités",
        ceremony_place_en="Strasbourg, 25th session of the Congress",
        ceremony_place_fr="Strasbourg, 25e session du Congrès",
    )
    obrnice = make.organisation(name="Obrnice", country="CZ")
    make.award(
        edition, obrnice, place=1, citation_en="For co-habitation.", citation_fr="Pour la cohabitation."
    )
    db.session.commit()
    client.set_cookie("lang", "fr")

    answer = client.get("/api/editions/dosta-2013/results").get_json()

    assert {
        key: answer["edition"][key] for key in ("name", "name_fr", "ceremony_place", "ceremony_place_fr")
    } == {
        "name": "4th Dosta!-Congress Prize for Municipalities",
        "name_fr": "4e Prix Dosta!-Congrès pour les municipalités",
        "ceremony_place": "Strasbourg, 25th session of the Congress",
        "ceremony_place_fr": "Strasbourg, 25e session du Congrès",
    }
    assert (answer["laureates"][0]["citation"], answer["laureates"][0]["citation_fr"]) == (
        "For co-habitation.",
        "Pour la cohabitation.",
    )


def test_api_results_french_only_texts_keep_the_english_keys_filled(client, make, db):
    edition = make.edition(
        phase="published", slug="dosta-2031", name_en="", name_fr="Prix 2031", ceremony_place_en=""
    )
    make.award(edition, make.organisation(), place=1, citation_fr="Pour la cohabitation.")
    db.session.commit()

    answer = client.get("/api/editions/dosta-2031/results").get_json()
    listed = client.get("/api/editions").get_json()["editions"]

    assert (answer["edition"]["name"], answer["edition"]["name_fr"]) == ("Prix 2031", "Prix 2031")
    assert (answer["edition"]["ceremony_place"], answer["edition"]["ceremony_place_fr"]) == ("", "")
    assert (answer["laureates"][0]["citation"], answer["laureates"][0]["citation_fr"]) == (
        "Pour la cohabitation.",
        "Pour la cohabitation.",
    )
    assert listed == [
        {"slug": "dosta-2031", "name": "Prix 2031", "name_fr": "Prix 2031", "year": edition.year}
    ]
