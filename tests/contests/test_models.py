"""app/contests/models.py: the database keeps criterion names unique per language and every name given."""

import pytest
from sqlalchemy.exc import IntegrityError

from app.contests.models import Criterion


def test_criteria_without_english_names_may_share_the_empty_one(make, db):
    edition = make.edition(
        criteria=({"name_en": "", "name_fr": "Intégration"}, {"name_en": "", "name_fr": "Sensibilisation"})
    )

    assert [(c.name_en, c.name_fr) for c in edition.criteria] == [
        ("", "Intégration"),
        ("", "Sensibilisation"),
    ]


@pytest.mark.parametrize("column", ["name_en", "name_fr"])
def test_criteria_same_name_in_one_language_refused(make, db, column):
    edition = make.edition(criteria=({"name_en": "Integration", "name_fr": "Intégration"},))

    db.session.add(
        Criterion(edition_id=edition.id, position=1, **{column: getattr(edition.criteria[0], column)})
    )

    with pytest.raises(IntegrityError):
        db.session.flush()


def test_criterion_without_a_name_in_either_language_refused(make, db):
    edition = make.edition()

    db.session.add(Criterion(edition_id=edition.id, position=9, name_en="", name_fr=""))

    with pytest.raises(IntegrityError):
        db.session.flush()


def test_edition_without_a_name_in_either_language_refused(make, db):
    with pytest.raises(IntegrityError):
        make.edition(name_en="", name_fr="")
