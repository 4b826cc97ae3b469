"""app/web.py: load_or_404 and the one handler of DomainError (roll back, flash, redirect, never off-site)."""

import pytest
from sqlalchemy import select
from werkzeug.exceptions import Forbidden, NotFound

from app.auth.models import Organisation
from app.web import DomainError, back_to, load_or_404


@pytest.fixture
def refusing(app, db):
    """A route that writes, then is refused by a use case; `?back=1` names where the refusal leads."""

    @app.post("/_test/refuse")
    def refuse():
        from flask import request

        db.session.add(Organisation(name="Never saved", country="FR"))
        db.session.flush()
        if request.args.get("back"):
            back_to("auth.login")
        raise DomainError("Not now, and here is why.")

    app.config["WTF_CSRF_ENABLED"] = False
    return app


def test_load_or_404_gives_the_row(make, db):
    organisation = make.organisation(name="Obrnice")
    db.session.commit()
    assert load_or_404(Organisation, organisation.id) is organisation


def test_load_or_404_is_404_for_a_missing_row(app, db):
    with app.test_request_context(), pytest.raises(NotFound):
        load_or_404(Organisation, 999_999)


def test_load_or_404_is_403_when_the_predicate_refuses(app, make, db):
    organisation = make.organisation(name="Obrnice")
    db.session.commit()
    with app.test_request_context(), pytest.raises(Forbidden):
        load_or_404(Organisation, organisation.id, lambda user, row: False)


def test_domain_error_rolls_back_flashes_and_goes_back_to_the_named_page(refusing, client, db):
    response = client.post("/_test/refuse?back=1")

    assert (response.status_code, response.headers["Location"]) == (302, "/login")
    assert db.session.scalars(select(Organisation)).all() == []
    with client.session_transaction() as session:
        assert session["_flashes"] == [("error", "Not now, and here is why.")]


def test_domain_error_goes_back_to_the_same_site_page_it_came_from(refusing, client):
    response = client.post("/_test/refuse", headers={"Referer": "http://localhost/archive?page=2"})
    assert response.headers["Location"] == "/archive?page=2"


@pytest.mark.parametrize(
    "referrer",
    ["https://elsewhere.example/steal", "http://localhost//elsewhere.example/steal", "javascript:x"],
)
def test_domain_error_never_redirects_off_site(refusing, client, referrer):
    response = client.post("/_test/refuse", headers={"Referer": referrer})
    assert response.headers["Location"] == "/"


def test_page_has_errors_for_any_form_with_errors_or_a_refusal(app):
    from flask_wtf import FlaskForm
    from wtforms import StringField
    from wtforms.validators import DataRequired

    class Named(FlaskForm):
        name = StringField(validators=[DataRequired()])

    template = app.jinja_env.from_string("{{ page_has_errors() }}")
    with app.test_request_context(method="POST", data={}):
        invalid = Named(meta={"csrf": False})
        invalid.validate()
        untouched = Named(meta={"csrf": False})

        assert template.render(sheet_form=invalid) == "True"  # whatever the form is called
        assert template.render(form=untouched) == "False"
        assert template.render(problems=["A place is given twice."]) == "True"
        assert template.render(conflict=[]) == "True"  # a sheet not saved, even with nothing to show
        assert template.render(conflict=None, problems=[]) == "False"


@pytest.mark.parametrize("url", ["/editions/dosta%00-2013", "/verify/%00", "/language/%00", "/confirm/a%00b"])
def test_path_part_with_nul_is_404(client, url):
    assert client.get(url).status_code == 404
