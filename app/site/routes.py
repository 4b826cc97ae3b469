"""The accessibility statement (public) and its contact (organisers)."""

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth.routes import signed_in_user
from app.extensions import db
from app.site.forms import AccessibilityContactForm
from app.site.permissions import can_edit_site_settings
from app.site.settings import save_accessibility_contact, site_settings

bp = Blueprint("site", __name__)

# When the statement's text was written against the software; the organisers' review date is a setting.
STATEMENT_PREPARED_ON = date(2026, 12, 7)


@bp.get("/accessibility")
def accessibility():
    return render_template(
        "site/accessibility.html",
        settings=site_settings(),
        prepared_on=STATEMENT_PREPARED_ON,
        site_address=current_app.config["PUBLIC_BASE_URL"],
    )


@bp.route("/manage/accessibility", methods=["GET", "POST"])
@login_required
def accessibility_contact():
    if not can_edit_site_settings(current_user):
        abort(403)
    settings = site_settings()
    form = AccessibilityContactForm(
        data={
            "email": settings.accessibility_email,
            "phone": settings.accessibility_phone,
            "reviewed_on": settings.accessibility_reviewed_on,
        }
    )
    if form.validate_on_submit():
        changed = save_accessibility_contact(
            email=form.email.data or "",
            phone=form.phone.data or "",
            reviewed_on=form.reviewed_on.data,
            actor=signed_in_user(),
        )
        db.session.commit()
        flash(
            _("The accessibility statement's contact is saved.") if changed else _("Nothing changed."),
            "success",
        )
        return redirect(url_for("site.accessibility_contact"))
    return render_template("site/accessibility_contact.html", form=form)
