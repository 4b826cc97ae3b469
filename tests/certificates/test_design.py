"""An edition's certificate design (app/certificates/design.py): its pictures checked, its page and form,
its preview, and the certificates issued with it."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.certificates.design import (
    MAX_PICTURE_BYTES,
    DesignValues,
    PictureRefused,
    SignatoryValues,
    check_picture,
    design_of,
    save_design,
)
from app.certificates.issue import issue_certificates
from app.certificates.models import CertificateDesign, CertificatePicture, CertificateSignatory
from tests.certificates.helpers import image_bytes, read, staged_pdf, structure_elements, text_of
from tests.conftest import csrf_from
from tests.submissions.files import png_header

SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>'


def design_url(edition) -> str:
    return f"/manage/editions/{edition.id}/certificate-design"


def form_data(client, edition, **values) -> dict:
    """The design form as the page sends it, the CSRF token taken from the page, with ``values``."""
    data = {
        "csrf_token": csrf_from(client.get(design_url(edition)).get_data(as_text=True)),
        "accent_colour": "#12305f",
    }
    for position in range(3):
        for name in ("name", "title_en", "title_fr"):
            data[f"signatories-{position}-{name}"] = ""
    data.update(values)
    return data


def upload(data: bytes, name: str):
    return (io.BytesIO(data), name)


def counts(db) -> tuple[int, int, int, int]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (CertificateDesign, CertificateSignatory, CertificatePicture, AuditEvent)
    )


# --- Pictures, checked by their content ------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "media_type"), [("PNG", "image/png"), ("JPEG", "image/jpeg")])
def test_check_picture_accepts_png_and_jpeg(kind, media_type, app):
    picture = check_picture(image_bytes(kind, (300, 100)), f"logo.{kind.lower()}")

    assert (picture.media_type, picture.width, picture.height) == (media_type, 300, 100)


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "logo.png", "is empty"),
        (b"Just some text, not an image at all.\n" * 3, "logo.png", "is not a PNG or JPEG image"),
        (SVG, "logo.png", "SVG drawing"),
        (SVG.replace(b'<?xml version="1.0"?>', b""), "logo.svg", "SVG drawing"),
        (b"GIF89a" + image_bytes("PNG")[6:], "logo.gif", "is not a PNG or JPEG image"),
        (image_bytes("PNG", (300, 100), noise=True)[:20000], "cut.png", "could not be read"),
        (image_bytes("PNG", (10, 100)), "thin.png", "each side must be between 16 and 6000"),
        (image_bytes("PNG", (6001, 16)), "wide.png", "each side must be between 16 and 6000"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * (MAX_PICTURE_BYTES), "big.png", "larger than 2 MB"),
        (png_header(100_000, 100_000), "bomb.png", "has more than 90 million pixels"),
    ],
)
def test_check_picture_refuses_with_a_message(data, name, message, app):
    with app.test_request_context(), pytest.raises(PictureRefused, match=message):
        check_picture(data, name)


def test_check_picture_refuses_more_pixels_than_the_setting_before_decoding(app):
    app.config["MAX_IMAGE_MEGAPIXELS"] = 1
    with app.test_request_context(), pytest.raises(PictureRefused) as refusal:
        check_picture(image_bytes("PNG", (1001, 1000)), "logo.png")

    assert str(refusal.value) == (
        "“logo.png” cannot be accepted: at 1001 × 1000 pixels it has more than 1 million pixels. "
        "Please send a smaller image."
    )


def test_check_picture_refuses_a_gif_naming_what_it_is(app):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40)).save(buffer, "GIF")
    with app.test_request_context(), pytest.raises(PictureRefused, match=r"its content is GIF"):
        check_picture(buffer.getvalue(), "logo.png")


# --- Saving -------------------------------------------------------------------------------------------------


def values(**overrides) -> DesignValues:
    base = dict(
        accent_colour="#12305f",
        awarding_body_en="",
        awarding_body_fr="",
        prize_name_en="",
        prize_name_fr="",
        logo_text_en="",
        logo_text_fr="",
        signatories=(SignatoryValues("", "", ""),) * 3,
    )
    base.update(overrides)
    return DesignValues(**base)


def test_save_design_defaults_change_nothing(app, db, make):
    edition = make.edition()

    with app.test_request_context():
        assert save_design(edition, values(), actor=None) is False

    assert design_of(edition) is None


def test_save_design_replacing_the_logo_deletes_the_old_one_and_audits(app, db, make):
    edition = make.edition()
    first = check_picture(image_bytes("PNG", (100, 40)), "one.png")
    second = check_picture(image_bytes("JPEG", (100, 40)), "two.jpg")

    with app.test_request_context():
        save_design(edition, values(logo=first), actor=None)
        db.session.commit()
        save_design(edition, values(logo=second, accent_colour="#7a1f3d"), actor=None)
        db.session.commit()

    design = design_of(edition)
    assert (design.logo.file_name, design.accent_colour) == ("two.jpg", "#7a1f3d")
    assert db.session.scalar(select(func.count()).select_from(CertificatePicture)) == 1
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "certificates.design_saved")
    ).all()
    assert [e.after["accent_colour"] for e in events] == ["#12305f", "#7a1f3d"]
    assert events[1].before["logo"] == events[0].after["logo"] != events[1].after["logo"]


def test_save_design_signatory_left_empty_is_removed_with_its_signature(app, db, make):
    edition = make.edition()
    signature = check_picture(image_bytes("PNG", (200, 60)), "signature.png")
    signed = SignatoryValues("Demo Chair", "Chair of the Jury", "Président du jury", signature)

    with app.test_request_context():
        save_design(edition, values(signatories=(signed, SignatoryValues("", "", ""))), actor=None)
        db.session.commit()
        save_design(edition, values(signatories=(SignatoryValues("", "", ""),) * 3), actor=None)
        db.session.commit()

    assert design_of(edition).signatories == []
    assert db.session.scalar(select(func.count()).select_from(CertificatePicture)) == 0


# --- The page -----------------------------------------------------------------------------------------------


@pytest.fixture
def organiser(make, auth, db):
    user = make.organiser(email="designer@example.test")
    db.session.commit()
    auth.login(user.email)
    return user


def test_design_page_shows_the_form_and_the_preview_links(client, organiser, make, db):
    edition = make.edition()
    db.session.commit()

    response = client.get(design_url(edition))

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in html
    assert 'type="color"' in html
    assert f"/manage/editions/{edition.id}/certificate-design/preview.pdf?language=fr" in html
    assert "Congress of Local and Regional Authorities of the Council of Europe" in html  # the default


def test_design_page_saves_texts_pictures_and_signatories_in_one_commit(client, organiser, make, db):
    edition = make.edition()
    db.session.commit()
    data = form_data(
        client,
        edition,
        accent_colour="#7A1F3D",
        awarding_body_en="City of Strasbourg",
        logo=upload(image_bytes("PNG", (300, 120)), "logo.png"),
        logo_text_en="Logo of the City of Strasbourg",
        **{
            "signatories-0-name": "Demo Mayor",
            "signatories-0-title_en": "Mayor of Strasbourg",
            "signatories-0-title_fr": "Maire de Strasbourg",
            "signatories-0-signature": upload(image_bytes("JPEG", (400, 120)), "signature.jpg"),
        },
    )

    response = client.post(design_url(edition), data=data, content_type="multipart/form-data")

    assert response.status_code == 302
    design = design_of(edition)
    assert (design.accent_colour, design.awarding_body_en, design.logo.media_type) == (
        "#7a1f3d",
        "City of Strasbourg",
        "image/png",
    )
    assert [(s.position, s.name, s.signature.file_name) for s in design.signatories] == [
        (1, "Demo Mayor", "signature.jpg")
    ]
    assert counts(db) == (1, 1, 2, 1)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("logo", (SVG, "logo.svg"), "SVG drawing"),
        ("logo", (b"plain text renamed\n", "logo.png"), "is not a PNG or JPEG image"),
        ("signatories-1-signature", (SVG, "signature.png"), "SVG drawing"),
        ("accent_colour", "#ffff00", "too light to read on white"),
        ("accent_colour", "red", "six hexadecimal digits"),
        ("accent_colour", "", "Choose a colour"),
        ("signatories-2-name", "Demo Name", "Give the signatory&#39;s title"),
    ],
)
def test_design_page_refuses_bad_input_and_changes_nothing(
    client, organiser, make, db, field, value, message
):
    edition = make.edition()
    db.session.commit()
    before = counts(db)
    if isinstance(value, tuple):
        value = upload(*value)
    data = form_data(client, edition, awarding_body_en="Changed", **{field: value})

    response = client.post(design_url(edition), data=data, content_type="multipart/form-data")

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html
    assert "data-error-summary" in html
    assert counts(db) == before
    assert design_of(edition) is None


def test_design_page_remove_logo(client, organiser, make, db, app):
    edition = make.edition()
    with app.test_request_context():
        save_design(edition, values(logo=check_picture(image_bytes(), "logo.png")), actor=None)
    db.session.commit()

    response = client.post(
        design_url(edition),
        data=form_data(client, edition, remove_logo="y"),
        content_type="multipart/form-data",
    )

    assert response.status_code == 302
    assert design_of(edition).logo is None
    assert db.session.scalar(select(func.count()).select_from(CertificatePicture)) == 0


def test_design_page_refused_to_an_applicant(client, auth, make, db):
    edition = make.edition()
    applicant = make.applicant(email="applicant@example.test")
    db.session.commit()
    auth.login(applicant.email)

    assert client.get(design_url(edition)).status_code == 403
    assert client.get(f"{design_url(edition)}/preview.pdf").status_code == 403


# --- The preview and the certificates issued ----------------------------------------------------------------


def test_preview_is_a_pdf_of_a_sample_with_the_edition_name_before_anything_is_issued(
    client, organiser, make, db
):
    edition = make.edition(
        phase="open", name_en="13th Dosta!-Congress Prize", name_fr="13e prix Dosta!-Congrès"
    )
    db.session.commit()

    response = client.get(f"{design_url(edition)}/preview.pdf?language=fr")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = " ".join(text_of(response.data).split())
    assert "13e prix Dosta!-Congrès" in text
    assert "Municipalité exemple" in text


def test_preview_unknown_language_is_not_found(client, organiser, make, db):
    edition = make.edition()
    db.session.commit()

    assert client.get(f"{design_url(edition)}/preview.pdf?language=de").status_code == 404


def test_issued_certificate_follows_the_design(app, db, published):
    edition = published.edition
    with app.test_request_context():
        save_design(
            edition,
            values(
                accent_colour="#7a1f3d",
                logo=check_picture(image_bytes("PNG", (300, 120)), "logo.png"),
                logo_text_en="Logo of the City of Strasbourg",
                signatories=(
                    SignatoryValues(
                        "Demo Mayor",
                        "Mayor of Strasbourg",
                        "Maire de Strasbourg",
                        check_picture(image_bytes("JPEG", (400, 120)), "signature.jpg"),
                    ),
                ),
            ),
            actor=None,
        )
        certificates = issue_certificates(edition)

    data = staged_pdf(certificates[0])
    reader = read(data)
    figures = {e["/Alt"] for e in structure_elements(reader) if e["/S"] == "/Figure"}
    assert {"Logo of the City of Strasbourg", "Signature of Demo Mayor"} <= figures
    assert "Demo Mayor" in text_of(data)
    assert "Mayor of Strasbourg" in text_of(data)
    assert certificates[0].content["accent_colour"] == "#7a1f3d"
    assert certificates[0].content["logo"]["media_type"] == "image/png"
