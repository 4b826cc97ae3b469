"""The public pages: the home page, the archive of editions and laureates, an edition's page, its results
page, and the JSON API. Nothing here shows the laureates of an edition whose results are not public, so each
is a `public_page` (app/caching.py): shared caches may keep its answers to visitors for a short while.

Each page is also rendered once per language and state of what it shows (`shared_page`, under a stamp from
app/results/queries.py) and served to every visitor from the shared cache; an edition's own pages only once
its results are public, never before.

The API gives organisers' texts in both languages, whatever the reader's: `name`, `ceremony_place` and
`citation` hold the English text (the French where there is none, so they are never empty when a text
exists, as before French texts), and `name_fr`, `ceremony_place_fr` and `citation_fr` the French text as
written, "" where there is none. A client shows `<key>_fr or <key>` to French readers."""

from __future__ import annotations

import json

from flask import Response, abort, render_template
from flask_babel import gettext as _

from app.caching import public_page, shared_page
from app.contests import services as contests
from app.contests.enums import Phase
from app.contests.models import Edition
from app.countries import country_name
from app.i18n import text_in
from app.links import external_url
from app.results import queries
from app.results.routes import bp


@bp.get("/")
@public_page
def home():
    def render() -> str:
        editions = contests.all_editions()
        current = contests.current_edition(editions)
        return render_template(
            "results/home.html",
            current=current,
            past=[e for e in editions if e.results_are_public and e is not current],
            laureates=queries.laureates(editions),
            participation=queries.public_participation(editions),
            Phase=Phase,
        )

    return shared_page("home", queries.editions_stamp(), render)


@bp.get("/editions")
@public_page
def archive():
    def render() -> str:
        editions = contests.all_editions()
        return render_template(
            "results/archive.html",
            editions=editions,
            laureates=queries.laureates(editions),
            participation=queries.public_participation(editions),
        )

    return shared_page("archive", queries.editions_stamp(), render)


@bp.get("/editions/<slug>")
@public_page
def edition(slug: str):
    def render() -> str:
        item = contests.edition_by_slug(slug)
        if item is None:
            abort(404)
        return render_template(
            "results/edition.html",
            edition=item,
            laureates=queries.laureates([item]).get(item.id, []),
            participation=queries.public_participation([item]).get(item.id),
            Phase=Phase,
        )

    return shared_page(f"edition:{slug}", queries.edition_stamp(slug, edition_page=True), render)


def _public_edition(slug: str) -> Edition | None:
    edition = contests.edition_by_slug(slug)
    return edition if edition is not None and edition.results_are_public else None


@bp.get("/editions/<slug>/results")
@public_page
def public_results(slug: str):
    def render() -> str:
        edition = _public_edition(slug)
        if edition is None:
            abort(404)
        # The API's address from PUBLIC_BASE_URL, not the Host header: the page is kept for everyone.
        return render_template(
            "results/results.html",
            edition=edition,
            laureates=queries.edition_laureates(edition),
            api_url=external_url("results.api_results", slug=edition.slug),
        )

    return shared_page(f"results:{slug}", queries.edition_stamp(slug), render)


@bp.get("/api/editions")
@public_page
def api_editions():
    editions = queries.public_editions()
    document = {"editions": [{"slug": e.slug, **_texts(e, "name"), "year": e.year} for e in editions]}
    return _json(document)


@bp.get("/api/editions/<slug>/results")
@public_page
def api_results(slug: str):
    """The laureates of a published edition. Special mentions are left out: `place` is always a number."""

    def render() -> str | Response:
        edition = _public_edition(slug)
        if edition is None:
            return _json({"error": "not_found", "message": _("No published results for this edition.")}, 404)
        return _encoded(_results_document(edition))

    return shared_page(
        f"api-results:{slug}", queries.edition_stamp(slug), render, mimetype="application/json"
    )


def _results_document(edition: Edition) -> dict:
    laureates = [
        {
            "place": laureate.place,
            "joint": laureate.joint,
            "organisation": laureate.organisation,
            "country": country_name(laureate.country),
            "project_title": laureate.project_title,
            **_texts(laureate, "citation"),
            "certificate_url": _certificate_url("certificates.download", laureate),
            "verification_url": _certificate_url("certificates.verify", laureate),
        }
        for laureate in queries.edition_laureates(edition)
        if laureate.place is not None
    ]
    return {
        "edition": {
            "slug": edition.slug,
            **_texts(edition, "name"),
            "year": edition.year,
            "ceremony_date": edition.ceremony_date.isoformat() if edition.ceremony_date else None,
            **_texts(edition, "ceremony_place"),
        },
        "laureates": laureates,
    }


def _texts(item, field: str) -> dict[str, str]:
    """`field` in English (or French where there is no English) and `field_fr` as written: the same for every
    reader, since the answer is cached publicly."""
    return {field: text_in(item, field, "en"), f"{field}_fr": getattr(item, f"{field}_fr")}


def _json(data: dict, status: int = 200) -> Response:
    """JSON in the order written here (jsonify sorts keys); @public_page makes it cacheable when found."""
    return Response(_encoded(data), status=status, mimetype="application/json")


def _encoded(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False)


def _certificate_url(endpoint: str, laureate: queries.Laureate) -> str | None:
    if laureate.certificate is None:
        return None
    return external_url(endpoint, code=laureate.certificate.verification_code)
