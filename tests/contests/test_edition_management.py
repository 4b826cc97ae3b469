"""The organiser's edition screens: create, copy, edit, criteria, the lock, access."""

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.contests import routes
from app.contests.models import Criterion, Edition
from app.contests.services import CRITERION_TEXTS, criterion_texts
from tests.conftest import counting_queries

CRITERIA = (("Integration", "2"), ("Anti-discrimination", "1"), ("Awareness-raising", "1.5"))


def edition_form(**overrides) -> dict:
    """A complete, valid edition form as a browser would send it."""
    data = {
        "name_en": "7th Dosta!-Congress Prize for Municipalities",
        "name_fr": "7e Prix Dosta!-Congrès pour les municipalités",
        "ordinal": "7",
        "year": "2029",
        "slug": "dosta-2029",
        "description_en": "Open to the member states of the Council of Europe.",
        "description_fr": "Ouvert aux États membres du Conseil de l’Europe.",
        "reference_prefix": "DOSTA",
        "submissions_open_at": "2029-01-15T09:00",
        "submissions_close_at": "2029-06-30T23:59",
        "judging_close_at": "2029-09-30T23:59",
        "results_publish_at": "2029-10-24T12:00",
        "prizes_count": "3",
        "score_min": "0",
        "score_max": "10",
        "score_step": "1",
        "aggregation": "median",
        "min_sheets_per_entry": "4",
        "ceremony_date": "2029-10-24",
        "ceremony_place_en": "Strasbourg",
        "ceremony_place_fr": "Strasbourg",
    }
    for i, (name, weight) in enumerate(CRITERIA):
        data.update(
            {
                f"criteria-{i}-id": "",
                f"criteria-{i}-name_en": name,
                f"criteria-{i}-name_fr": "",
                f"criteria-{i}-description_en": f"Tell us about {name}.",
                f"criteria-{i}-description_fr": "",
                f"criteria-{i}-guidance_en": f"High when {name} is strong.",
                f"criteria-{i}-guidance_fr": "",
                f"criteria-{i}-weight": weight,
                f"criteria-{i}-position": str(i + 1),
            }
        )
    data.update(overrides)
    return data


class _FormFields(HTMLParser):
    """The name/value pairs a browser would submit from the page's forms (checked boxes only)."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self._textarea = self._select = None
        self._first_option = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "button"):
            if a.get("type") != "checkbox" or "checked" in a:
                self.fields[a["name"]] = a.get("value") or ("y" if a.get("type") == "checkbox" else "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.fields[self._textarea] = ""
        elif tag == "select":
            self._select, self._first_option = a["name"], None
        elif tag == "option" and self._select:
            if self._first_option is None:
                self._first_option = a.get("value")
                self.fields.setdefault(self._select, a.get("value"))
            if "selected" in a:
                self.fields[self._select] = a.get("value")

    def handle_data(self, data):
        if self._textarea:
            if not self.fields[self._textarea]:
                data = data.removeprefix("\r\n").removeprefix("\n")  # as browsers do
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_fields(html: str) -> dict[str, str]:
    parser = _FormFields()
    parser.feed(html)
    return {k: v for k, v in parser.fields.items() if k not in ("csrf_token",)}


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def organiser(auth, make):
    user = make.organiser()
    auth.login(user.email)
    return user


def _edition_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Edition))


# --- Access ----------------------------------------------------------------------------------------------


def _manage_urls(edition_id: int) -> list[str]:
    return [
        "/manage/editions",
        f"/manage/editions/{edition_id}",
        "/manage/editions/new",
        f"/manage/editions/new?copy_from={edition_id}",
        f"/manage/editions/{edition_id}/edit",
    ]


def test_manage_pages_anonymous_redirected_to_login(client, make):
    edition = make.edition()

    for url in _manage_urls(edition.id):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/login?next="), url


@pytest.mark.parametrize("role", ["applicant", "juror"])
def test_manage_pages_refused_to_non_organisers(client, auth, make, db, role):
    edition = make.edition()
    user = make.user(role=role)
    auth.login(user.email)

    for url in _manage_urls(edition.id):
        assert client.get(url).status_code == 403, url
    for url in ("/manage/editions/new", f"/manage/editions/{edition.id}/edit"):
        response = auth.post(url, edition_form(name_en="Hijacked"), form_url="/account")
        assert response.status_code == 403, url
    assert db.session.scalar(select(func.count()).select_from(Edition).where(Edition.name == "Hijacked")) == 0


def test_manage_edition_unknown_or_absurd_id_is_404(client, organiser):
    assert client.get("/manage/editions/999999").status_code == 404
    assert client.get("/manage/editions/99999999999999999999/edit").status_code == 404
    assert client.get("/manage/editions/new?copy_from=99999999999999999999").status_code == 404


# --- Creating ------------------------------------------------------------------------------------------


def test_create_edition_strasbourg_times_round_trip_exactly(client, auth, organiser, db):
    response = auth.post("/manage/editions/new", edition_form())

    edition = db.session.scalar(select(Edition).where(Edition.slug == "dosta-2029"))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/manage/editions/{edition.id}"
    assert edition.submissions_open_at == utc(2029, 1, 15, 8, 0)  # CET, UTC+1
    assert edition.submissions_close_at == utc(2029, 6, 30, 21, 59)  # CEST, UTC+2
    assert edition.judging_close_at == utc(2029, 9, 30, 21, 59)
    assert edition.results_publish_at == utc(2029, 10, 24, 10, 0)
    assert edition.ceremony_date == date(2029, 10, 24)
    assert (edition.aggregation, edition.min_sheets_per_entry, edition.reveal_scores_to_jury) == (
        "median",
        4,
        False,
    )
    assert [(c.name, c.weight, c.position) for c in edition.criteria] == [
        ("Integration", Decimal(2), 0),
        ("Anti-discrimination", Decimal(1), 1),
        ("Awareness-raising", Decimal("1.5"), 2),
    ]
    fields = form_fields(client.get(f"/manage/editions/{edition.id}/edit").get_data(as_text=True))
    assert fields["submissions_open_at"] == "2029-01-15T09:00"
    assert fields["submissions_close_at"] == "2029-06-30T23:59"
    assert fields["results_publish_at"] == "2029-10-24T12:00"
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "edition.created"))
    assert (audit.actor_id, audit.edition_id) == (organiser.id, edition.id)
    assert audit.after["submissions_close_at"] == "2029-06-30T21:59:00+00:00"
    assert [c["name_en"] for c in audit.after["criteria"]] == [
        "Integration",
        "Anti-discrimination",
        "Awareness-raising",
    ]


def test_new_edition_form_offers_default_criteria(client, organiser):
    fields = form_fields(client.get("/manage/editions/new").get_data(as_text=True))

    assert [fields[f"criteria-{i}-name_en"] for i in range(3)] == [
        "Integration",
        "Anti-discrimination",
        "Awareness-raising",
    ]
    assert fields["score_min"] == "0" and fields["score_max"] == "10" and fields["score_step"] == "1"
    assert fields["aggregation"] == "mean"
    assert "reveal_scores_to_jury" not in fields  # off by default


def test_copy_previous_edition_prefills_everything_two_years_later(client, auth, organiser, make, db):
    source = make.edition(
        phase="published",
        slug="dosta-2013",
        name="4th Dosta!-Congress Prize for Municipalities 2013",
        ordinal=4,
        year=2013,
        submissions_open_at=utc(2013, 2, 1, 8, 0),
        submissions_close_at=utc(2013, 6, 30, 21, 59),
        judging_close_at=utc(2013, 9, 30, 21, 59),
        results_publish_at=utc(2013, 10, 30, 11, 0),
        ceremony_date=date(2013, 10, 30),
        ceremony_place="Strasbourg",
        prizes_count=3,
        min_sheets_per_entry=3,
    )
    source.criteria[0].weight = Decimal(2)
    db.session.commit()

    page = client.get(f"/manage/editions/new?copy_from={source.id}").get_data(as_text=True)
    fields = form_fields(page)
    response = auth.post("/manage/editions/new", fields, form_url="/manage/editions/new")

    assert fields["slug"] == "dosta-2015"
    assert fields["name_en"] == "4th Dosta!-Congress Prize for Municipalities 2015"
    assert (fields["ordinal"], fields["year"]) == ("5", "2015")
    assert fields["submissions_close_at"] == "2015-06-30T23:59"
    assert response.status_code == 302
    copy = db.session.scalar(select(Edition).where(Edition.slug == "dosta-2015"))
    assert copy.submissions_open_at == utc(2015, 2, 1, 8, 0)
    assert copy.submissions_close_at == utc(2015, 6, 30, 21, 59)
    assert copy.judging_close_at == utc(2015, 9, 30, 21, 59)
    assert copy.results_publish_at == utc(2015, 10, 30, 11, 0)
    assert copy.ceremony_date == date(2015, 10, 30)
    assert copy.results_published_at is None
    assert [(criterion_texts(c), c.weight) for c in copy.criteria] == [
        (criterion_texts(c), c.weight) for c in source.criteria
    ]
    assert {c.id for c in copy.criteria}.isdisjoint({c.id for c in source.criteria})


# --- Texts in English and French ------------------------------------------------------------------------

FRENCH_CRITERIA = (
    {"name_en": "Integration", "name_fr": "Intégration", "description_fr": "Comment le projet…"},
    {"name_en": "", "name_fr": "Sensibilisation", "guidance_fr": "Une note élevée signifie…"},
)


def test_create_edition_saves_both_languages(client, auth, organiser, db):
    overrides = {"criteria-0-name_fr": "Intégration", "criteria-0-guidance_fr": "Élevée si…"}

    response = auth.post(
        "/manage/editions/new", edition_form(ceremony_place_fr="Strasbourg (Palais)", **overrides)
    )

    edition = db.session.scalar(select(Edition).where(Edition.slug == "dosta-2029"))
    assert response.status_code == 302
    assert (edition.name_en, edition.name_fr) == (
        "7th Dosta!-Congress Prize for Municipalities",
        "7e Prix Dosta!-Congrès pour les municipalités",
    )
    assert (edition.description_fr, edition.ceremony_place_fr) == (
        "Ouvert aux États membres du Conseil de l’Europe.",
        "Strasbourg (Palais)",
    )
    assert criterion_texts(edition.criteria[0]) == {
        "name_en": "Integration",
        "name_fr": "Intégration",
        "description_en": "Tell us about Integration.",
        "description_fr": "",
        "guidance_en": "High when Integration is strong.",
        "guidance_fr": "Élevée si…",
    }


def test_create_edition_in_french_only_accepted(client, auth, organiser, db):
    french_only = {"name_en": "", "description_en": "", "ceremony_place_en": ""}
    for i, name in enumerate(("Intégration", "Lutte contre la discrimination", "Sensibilisation")):
        french_only.update({f"criteria-{i}-name_en": "", f"criteria-{i}-name_fr": name})

    response = auth.post("/manage/editions/new", edition_form(**french_only))

    edition = db.session.scalar(select(Edition).where(Edition.slug == "dosta-2029"))
    assert response.status_code == 302
    assert (edition.name_en, edition.name_fr) == ("", "7e Prix Dosta!-Congrès pour les municipalités")
    assert [(c.name_en, c.name_fr) for c in edition.criteria] == [
        ("", "Intégration"),
        ("", "Lutte contre la discrimination"),
        ("", "Sensibilisation"),
    ]


def test_edit_form_english_field_not_prefilled_with_the_french_fallback(client, organiser, make, db):
    edition = make.edition(name_en="", name_fr="Prix Dosta!-Congrès", criteria=FRENCH_CRITERIA)
    db.session.commit()

    fields = form_fields(client.get(f"/manage/editions/{edition.id}/edit").get_data(as_text=True))

    assert (fields["name_en"], fields["name_fr"]) == ("", "Prix Dosta!-Congrès")
    assert (fields["criteria-1-name_en"], fields["criteria-1-name_fr"]) == ("", "Sensibilisation")
    assert (fields["criteria-1-guidance_en"], fields["criteria-1-guidance_fr"]) == (
        "",
        "Une note élevée signifie…",
    )


def _tag(html: str, element_id: str) -> str:
    """The opening tag of the element with this id."""
    return re.search(rf'<[a-z]+ [^>]*\bid="{element_id}"[^>]*>', html).group(0)


def test_edit_form_inputs_say_their_language(client, organiser, make, db):
    edition = make.edition()
    db.session.commit()

    html = client.get(f"/manage/editions/{edition.id}/edit").get_data(as_text=True)

    assert '<label class="form-label" for="name_fr">Name in French</label>' in html
    assert 'lang="fr"' in _tag(html, "name_fr") and 'lang="en"' in _tag(html, "criteria-0-guidance_en")
    for element_id in ("name_en", "name_fr"):
        assert 'aria-describedby="name_en-pair-help"' in _tag(html, element_id)
    assert _tag(html, "name_en-pair-help") == '<div id="name_en-pair-help" class="form-text mt-n2 mb-3">'


def test_edit_french_texts_saved_and_audited(client, auth, organiser, make, db):
    edition = make.edition(phase="open", name_fr="", criteria=FRENCH_CRITERIA)
    db.session.commit()
    fields = _edit_fields(client, edition)
    fields.update(
        {"name_fr": "Prix 2029", "criteria-0-name_fr": "Inclusion", "criteria-1-name_en": "Awareness"}
    )

    response = auth.post(f"/manage/editions/{edition.id}/edit", fields)

    assert response.status_code == 302
    assert edition.name_fr == "Prix 2029"
    assert [(c.name_en, c.name_fr) for c in edition.criteria] == [
        ("Integration", "Inclusion"),
        ("Awareness", "Sensibilisation"),
    ]
    audits = {a.action: a for a in db.session.scalars(select(AuditEvent))}
    assert (audits["edition.updated"].before, audits["edition.updated"].after) == (
        {"name_fr": ""},
        {"name_fr": "Prix 2029"},
    )
    criterion_audits = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "criterion.updated").order_by(AuditEvent.id)
    ).all()
    assert [(a.before, a.after) for a in criterion_audits] == [
        ({"name_fr": "Intégration"}, {"name_fr": "Inclusion"}),
        ({"name_en": ""}, {"name_en": "Awareness"}),
    ]


def test_edit_french_names_may_swap_between_criteria(client, auth, organiser, make, db):
    edition = make.edition(phase="open", criteria=FRENCH_CRITERIA)
    db.session.commit()
    fields = _edit_fields(client, edition)
    fields.update({"criteria-0-name_fr": "Sensibilisation", "criteria-1-name_fr": "Intégration"})

    response = auth.post(f"/manage/editions/{edition.id}/edit", fields)

    assert response.status_code == 302
    assert [c.name_fr for c in edition.criteria] == ["Sensibilisation", "Intégration"]


def test_copy_previous_edition_keeps_the_french_texts(client, auth, organiser, make, db):
    source = make.edition(
        phase="published",
        slug="dosta-2013",
        name_en="4th Dosta!-Congress Prize 2013",
        name_fr="4e Prix Dosta!-Congrès 2013",
        year=2013,
        description_fr="Plus de 20 municipalités.",
        ceremony_place_en="Strasbourg, 25th session",
        ceremony_place_fr="Strasbourg, 25e session",
        criteria=FRENCH_CRITERIA,
    )
    db.session.commit()

    fields = form_fields(client.get(f"/manage/editions/new?copy_from={source.id}").get_data(as_text=True))
    auth.post("/manage/editions/new", fields, form_url="/manage/editions/new")

    copy = db.session.scalar(select(Edition).where(Edition.slug == "dosta-2015"))
    assert (copy.name_en, copy.name_fr) == ("4th Dosta!-Congress Prize 2015", "4e Prix Dosta!-Congrès 2015")
    assert (copy.description_fr, copy.ceremony_place_fr) == (
        "Plus de 20 municipalités.",
        "Strasbourg, 25e session",
    )
    assert [criterion_texts(c) for c in copy.criteria] == [criterion_texts(c) for c in source.criteria]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"submissions_close_at": "2029-01-15T09:00"}, "The deadline must be after applications open."),
        ({"judging_close_at": "2029-06-30T23:58"}, "Judging cannot close before the application deadline."),
        ({"results_publish_at": "2029-09-30T23:00"}, "Results cannot be published before judging closes."),
        ({"submissions_open_at": "2029-03-25T02:30"}, "This time does not exist in Strasbourg"),
        ({"submissions_open_at": "15/01/2029"}, "Not a valid datetime value."),
        ({"submissions_open_at": "0001-01-01T00:00"}, "Enter a date between the years 1900 and 2999."),
        ({"judging_close_at": "9999-12-31T23:59"}, "Enter a date between the years 1900 and 2999."),
        ({"results_publish_at": "1899-12-31T23:59"}, "Enter a date between the years 1900 and 2999."),
        ({"ceremony_date": "0001-01-01"}, "Enter a date between the years 1900 and 2999."),
        ({"score_step": "3"}, "The step must divide the range from 0 to 10 exactly."),
        ({"score_min": "10"}, "The highest score must be above the lowest score."),
        ({"score_max": "NaN"}, "Enter a number."),
        ({"score_step": "0"}, "The step must be more than 0."),
        ({"slug": "Dosta 2029"}, "Use only lowercase letters, digits and single hyphens"),
        ({"criteria-1-weight": "0"}, "The weight must be more than 0"),
        ({"criteria-2-name_en": "integration"}, "Give each criterion its own name in English"),
        (
            {"criteria-0-name_fr": "Intégration", "criteria-1-name_fr": "intégration"},
            "Give each criterion its own name in French",
        ),
        ({"name_en": " ", "name_fr": ""}, "Give the name in English, in French or in both."),
        (
            {"criteria-1-name_en": "", "criteria-1-name_fr": ""},
            "Give the criterion a name in English, in French or in both.",
        ),
        ({"criteria-0-id": "123456"}, "This criterion does not belong to the edition."),
    ],
)
def test_create_edition_invalid_input_refused_and_nothing_saved(
    client, auth, organiser, db, overrides, message
):
    response = auth.post("/manage/editions/new", edition_form(**overrides))

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Nothing was saved." in html
    assert message in html.replace("&#39;", "'")
    assert _edition_count(db) == 0


def test_create_edition_duplicate_slug_refused(client, auth, organiser, make, db):
    make.edition(slug="dosta-2029")
    db.session.commit()

    response = auth.post("/manage/editions/new", edition_form())

    assert "Another edition already uses this address." in response.get_data(as_text=True)
    assert _edition_count(db) == 1


def test_create_edition_without_criteria_refused(client, auth, organiser, db):
    data = {
        k: ("" if k.startswith("criteria-") and not k.endswith("weight") else v)
        for k, v in edition_form().items()
    }

    response = auth.post("/manage/editions/new", data)

    assert "An edition needs at least one criterion." in response.get_data(as_text=True)
    assert _edition_count(db) == 0


# --- Editing criteria -------------------------------------------------------------------------------------


def _edit_fields(client, edition) -> dict:
    return form_fields(client.get(f"/manage/editions/{edition.id}/edit").get_data(as_text=True))


def test_edit_criteria_rename_reorder_remove_add(client, auth, organiser, make, db):
    edition = make.edition(phase="open")
    db.session.commit()
    fields = _edit_fields(client, edition)
    fields.update(
        {
            "criteria-0-name_en": "Inclusion",
            "criteria-0-position": "2",
            "criteria-1-remove": "y",
            "criteria-2-position": "1",
            "criteria-3-name_en": "Participation",
            "criteria-3-description_en": "Who decides?",
            "criteria-3-weight": "0.5",
            "criteria-3-position": "3",
        }
    )

    response = auth.post(f"/manage/editions/{edition.id}/edit", fields)

    assert response.status_code == 302
    db.session.expire_all()
    assert [(c.name, c.position, c.weight) for c in edition.criteria] == [
        ("Awareness-raising", 0, Decimal(1)),
        ("Inclusion", 1, Decimal(1)),
        ("Participation", 2, Decimal("0.5")),
    ]
    actions = sorted(
        db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("criterion.%")))
    )
    assert actions == ["criterion.added", "criterion.removed", "criterion.updated", "criterion.updated"]


def test_edit_criteria_swap_names_between_rows(client, auth, organiser, make, db):
    edition = make.edition(phase="open")
    db.session.commit()
    fields = _edit_fields(client, edition)
    fields.update({"criteria-0-name_en": "Anti-discrimination", "criteria-1-name_en": "Integration"})

    auth.post(f"/manage/editions/{edition.id}/edit", fields)

    db.session.expire_all()
    assert [c.name for c in edition.criteria] == ["Anti-discrimination", "Integration", "Awareness-raising"]


def test_edit_bad_criterion_row_refuses_whole_form(client, auth, organiser, make, db):
    edition = make.edition(phase="open", name="Before")
    db.session.commit()
    fields = _edit_fields(client, edition)
    fields.update(
        {"name_en": "After", "criteria-0-weight": "-1", "criteria-1-name_en": "", "criteria-2-name_en": "New"}
    )

    response = auth.post(f"/manage/editions/{edition.id}/edit", fields)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Criterion 1, Weight" in html and "The weight must be more than 0" in html
    assert "Criterion 2, Name in English" in html
    assert "Give the criterion a name in English, in French or in both." in html
    db.session.expire_all()
    assert edition.name == "Before"
    assert [c.name for c in edition.criteria] == ["Integration", "Anti-discrimination", "Awareness-raising"]
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_edit_remove_answered_criterion_refused(client, auth, organiser, make, db):
    edition = make.edition(phase="open")
    make.application(edition_=edition)
    db.session.commit()
    fields = _edit_fields(client, edition)
    fields["criteria-0-remove"] = "y"

    response = auth.post(f"/manage/editions/{edition.id}/edit", fields)

    assert "1 application answers this criterion: it cannot be removed." in response.get_data(as_text=True)
    db.session.expire_all()
    assert len(edition.criteria) == 3


def test_edit_without_changes_records_nothing(client, auth, organiser, make, db):
    edition = make.edition(phase="open")
    db.session.commit()

    response = auth.post(f"/manage/editions/{edition.id}/edit", _edit_fields(client, edition))

    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


# --- The lock ---------------------------------------------------------------------------------------------


@pytest.fixture
def locked_edition(make, db):
    edition = make.edition(phase="judging", name="Locked Edition")
    entry = make.application(edition_=edition, status="eligible")
    juror = make.juror()
    make.jury_member(edition, juror)
    make.score_sheet(make.assignment(entry, juror), status="draft")
    db.session.commit()
    return edition


def _criteria_state(db, edition):
    db.session.expire_all()
    return [(c.id, c.name, c.weight, c.position) for c in edition.criteria], (
        edition.score_min,
        edition.score_max,
        edition.score_step,
    )


def test_locked_edition_form_shows_criteria_read_only_and_why(client, organiser, locked_edition):
    html = client.get(f"/manage/editions/{locked_edition.id}/edit").get_data(as_text=True)

    assert "Criteria, weights and the score scale are locked." in html
    assert "Jurors have started score sheets for this edition" in html
    assert 'name="criteria-0-name_en"' not in html
    assert 'name="score_max"' not in html
    assert "Anti-discrimination" in html


def test_locked_edition_other_settings_still_editable(client, auth, organiser, locked_edition, db):
    before = _criteria_state(db, locked_edition)
    fields = _edit_fields(client, locked_edition)
    fields["name_en"] = "Renamed Edition"

    response = auth.post(f"/manage/editions/{locked_edition.id}/edit", fields)

    assert response.status_code == 302
    assert _criteria_state(db, locked_edition) == before
    assert locked_edition.name == "Renamed Edition"


@pytest.mark.parametrize(
    "forged",
    [
        {"criteria-0-weight": "5"},
        {"criteria-0-name_en": "Something else"},
        {"criteria-0-guidance_fr": "Autre chose"},
        {"criteria-3-id": "", "criteria-3-name_fr": "Critère de plus"},
        {"criteria-0-remove": "y"},
        {"criteria-3-id": "", "criteria-3-name_en": "Extra criterion"},
        {"score_max": "20"},
        {"score_step": "0.5"},
    ],
)
def test_locked_edition_forged_post_refused_and_nothing_changes(
    client, auth, organiser, locked_edition, db, forged
):
    before = _criteria_state(db, locked_edition)
    criteria = {
        f"criteria-{i}-{key}": str(value)
        for i, c in enumerate(locked_edition.criteria)
        for key, value in (
            ("id", c.id),
            *((name, getattr(c, name)) for name in CRITERION_TEXTS),
            ("weight", c.weight),
            ("position", c.position + 1),
        )
    }
    fields = {**_edit_fields(client, locked_edition), **criteria, "name_en": "Forged Name", **forged}

    response = auth.post(f"/manage/editions/{locked_edition.id}/edit", fields)

    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "are locked: jurors have started scoring. Nothing was saved." in page
    assert _criteria_state(db, locked_edition) == before
    assert locked_edition.name == "Locked Edition"
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_locked_edition_stale_page_with_unchanged_criteria_is_accepted(
    client, auth, organiser, locked_edition, db
):
    locked_edition.criteria[0].description = "Line one\nLine two"
    db.session.commit()
    before = _criteria_state(db, locked_edition)
    fields = _edit_fields(client, locked_edition)
    for i, c in enumerate(locked_edition.criteria):
        description = c.description.replace("\n", "\r\n")  # as a browser sends a text area
        fields.update({f"criteria-{i}-id": str(c.id), f"criteria-{i}-name_en": c.name})
        fields.update(
            {f"criteria-{i}-description_en": description, f"criteria-{i}-guidance_en": c.guidance_en}
        )
    fields.update({"score_min": "0", "score_max": "10.00", "name_en": "Stale but fine"})

    response = auth.post(f"/manage/editions/{locked_edition.id}/edit", fields)

    assert response.status_code == 302
    assert _criteria_state(db, locked_edition) == before
    assert locked_edition.name == "Stale but fine"


# --- Overview pages ----------------------------------------------------------------------------------------


def _queries_for_manage_list(client, make, db, applications: int) -> int:
    editions = [make.edition(phase="open"), make.edition(phase="published")]
    statuses = ("draft", "submitted", "eligible", "ineligible", "withdrawn")
    for i in range(applications):
        make.application(edition_=editions[i % 2], status=statuses[i % len(statuses)])
    db.session.commit()
    with counting_queries(db) as statements:
        response = client.get("/manage/editions")
    assert response.status_code == 200
    return len(statements)


def test_manage_list_query_count_does_not_grow_with_applications(app, client, auth, make, db):
    organiser = make.organiser()
    auth.login(organiser.email)
    few = _queries_for_manage_list(client, make, db, 5)
    for table in ("criterion_answers", "applications", "criteria", "editions"):
        db.session.execute(db.metadata.tables[table].delete())
    db.session.commit()

    many = _queries_for_manage_list(client, make, db, 50)

    assert few == many


def test_manage_list_shows_counts_by_status(client, organiser, make, db):
    edition = make.edition(phase="open", name="Counted Edition")
    for status in ("draft", "draft", "submitted", "eligible", "eligible", "eligible"):
        make.application(edition_=edition, status=status)
    db.session.commit()

    html = client.get("/manage/editions").get_data(as_text=True)

    row = html[html.index("Counted Edition") :]
    row = row[: row.index("</tr>")]
    cells = [cell.strip() for cell in row.split('<td class="text-end')[1:]]
    assert [cell.split(">", 1)[1].split("<", 1)[0] for cell in cells] == ["2", "1", "3", "·", "·", "6"]


def test_manage_edition_lists_only_sections_that_exist(client, organiser, make, monkeypatch):
    edition = make.edition()
    sections = routes.all_sections()
    monkeypatch.setattr(routes, "all_sections", lambda: [*sections, ("nowhere.page", "Ghost section")])

    html = client.get(f"/manage/editions/{edition.id}").get_data(as_text=True)

    assert f'href="/manage/editions/{edition.id}/edit"' in html
    assert "Ghost section" not in html
    assert f'href="/manage/editions/new?copy_from={edition.id}"' in html


def test_criteria_locked_only_once_a_sheet_exists(make, db):
    from app.judging.queries import scoring_started

    edition = make.edition(phase="judging")
    entry = make.application(edition_=edition, status="eligible")
    other = make.edition(phase="judging")
    juror = make.juror()
    assignment = make.assignment(entry, juror)

    assert scoring_started(edition) is False
    make.score_sheet(assignment, status="draft")
    assert scoring_started(edition) is True
    assert scoring_started(other) is False


def test_criterion_rows_keep_positions_contiguous(make, db, client, auth, organiser):
    edition = make.edition(phase="open")
    db.session.commit()
    fields = _edit_fields(client, edition)
    fields.update({"criteria-0-position": "10", "criteria-1-position": "10", "criteria-2-position": "-4"})

    response = auth.post(f"/manage/editions/{edition.id}/edit", fields)

    assert response.status_code == 302
    positions = db.session.execute(
        select(Criterion.name, Criterion.position)
        .where(Criterion.edition_id == edition.id)
        .order_by(Criterion.position)
    ).all()
    assert [tuple(p) for p in positions] == [
        ("Awareness-raising", 0),
        ("Integration", 1),
        ("Anti-discrimination", 2),
    ]


def test_edit_edition_audits_what_changed(client, auth, organiser, make, db):
    edition = make.edition(phase="open", year=2029)
    db.session.commit()
    fields = _edit_fields(client, edition)
    fields.update({"score_max": "20", "score_step": "2", "criteria-1-weight": "1.5"})

    auth.post(f"/manage/editions/{edition.id}/edit", fields)

    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.action, e.before, e.after, e.actor_id) for e in events] == [
        (
            "edition.updated",
            {"score_max": "10", "score_step": "1"},
            {"score_max": "20", "score_step": "2"},
            organiser.id,
        ),
        ("criterion.updated", {"weight": "1"}, {"weight": "1.5"}, organiser.id),
    ]
    assert all(e.edition_id == edition.id for e in events)
