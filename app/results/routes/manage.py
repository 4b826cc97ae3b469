"""The organiser's publication of an edition's results: now, or at a set time, with the certificates."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import jobs
from app import permissions as can
from app.certificates.forms import RetryForm
from app.certificates.progress import progress_view
from app.contests.enums import Phase
from app.contests.models import Edition
from app.db import utcnow
from app.extensions import db
from app.formatting import local_time_exists, local_to_utc, utc_to_local
from app.ranking.awards import edition_awards, joint_places
from app.results import publication
from app.results.forms import PublishForm, ScheduleForm
from app.results.routes import bp
from app.web import DomainError, back_to, load_or_404


@bp.get("/manage/editions/<int:edition_id>/publication", endpoint="publication")
@login_required
def publication_page(edition_id: int):
    edition = load_or_404(Edition, edition_id, can.can_manage_edition)
    plan = publication.publication_plan(edition)
    publish_form = PublishForm(
        data={
            "certificate_language": plan.certificate_language,
            "participation": plan.participation_certificates,
        }
    )
    schedule_form = ScheduleForm(
        data={
            "publish_at": utc_to_local(edition.results_publish_at),
            "certificate_language": plan.certificate_language,
            "participation": plan.participation_certificates,
        }
    )
    return _render_publication(edition, publish_form, schedule_form)


def _render_publication(edition: Edition, publish_form: PublishForm, schedule_form: ScheduleForm, status=200):
    awards = edition_awards(edition)
    return (
        render_template(
            "results/publication.html",
            edition=edition,
            awards=awards,
            joint=joint_places(awards),
            problems=[] if edition.is_published else publication.publication_problems(edition),
            publish_form=publish_form,
            schedule_form=schedule_form,
            phase=edition.phase(),
            Phase=Phase,
            progress=progress_view(edition.id) if edition.is_published else None,
            follow_up_waiting=edition.is_published and plan_waiting(edition),
            retry_form=RetryForm(),
        ),
        status,
    )


def plan_waiting(edition: Edition) -> dict | None:
    """When the publication's follow-up (certificates, emails) has not run yet: whether the queue answers."""
    if not publication.follow_up_pending(edition):
        return None
    return {"queue_ok": jobs.queue_is_reachable()}


def _to_publication(edition: Edition):
    return redirect(url_for("results.publication", edition_id=edition.id))


@bp.post("/manage/editions/<int:edition_id>/publication/publish")
@login_required
def publish(edition_id: int):
    edition = load_or_404(Edition, edition_id, can.can_manage_edition)
    if edition.is_published:
        flash(_("The results were already published: nothing changed."), "info")
        return _to_publication(edition)
    form = PublishForm()
    if not form.validate_on_submit():
        return _render_publication(edition, form, ScheduleForm(formdata=None), status=400)
    back_to("results.publication", edition_id=edition.id)
    try:
        result = publication.publish_results(
            edition,
            language=form.certificate_language.data,
            participation=form.participation.data,
            actor=current_user,
        )
    except DomainError:
        raise  # not ready: the handler says why on the publication page
    except Exception:
        # publish_results has rolled everything back and removed the files it wrote.
        current_app.logger.exception("publishing the results of %s failed", edition.slug)
        flash(
            _("The publication failed and nothing was published. The error is logged; please try again."),
            "error",
        )
        return _to_publication(edition)
    if result.published:
        flash(
            _(
                "The results are published: %(certificates)d certificates are being issued, "
                "%(emails)d emails are on their way.",
                certificates=result.certificates,
                emails=result.emails,
            ),
            "success",
        )
        if not jobs.queue_is_reachable():
            flash(
                _(
                    "The job queue cannot be reached at the moment, so the certificates and emails are "
                    "delayed. Nothing is lost: they will leave as soon as it is back."
                ),
                "warning",
            )
    else:
        flash(_("The results were already published: nothing changed."), "info")
    return _to_publication(edition)


@bp.post("/manage/editions/<int:edition_id>/publication/schedule")
@login_required
def schedule(edition_id: int):
    edition = load_or_404(Edition, edition_id, can.can_manage_edition)
    if not can.can_publish_results(current_user, edition):
        flash(_("The results are already published: there is nothing to schedule."), "info")
        return _to_publication(edition)
    form = ScheduleForm()
    if form.validate_on_submit():
        local = form.publish_at.data
        when = local_to_utc(local) if local else None
        if local and not local_time_exists(local):
            form.publish_at.errors.append(
                _("This time does not exist in Strasbourg (the clocks go forward).")
            )
        elif when is not None and when <= utcnow():
            form.publish_at.errors.append(_("Choose a time in the future, or publish now."))
        elif when is not None and when < edition.judging_close_at:
            form.publish_at.errors.append(_("Choose a time after judging closes."))
        else:
            publication.schedule_publication(
                edition,
                when,
                language=form.certificate_language.data,
                participation=form.participation.data,
                actor=current_user,
            )
            db.session.commit()
            if when:
                flash(_("The results will be published automatically at the time you chose."), "success")
            else:
                flash(_("No publication is scheduled any more."), "success")
            return _to_publication(edition)
    return _render_publication(edition, PublishForm(formdata=None), form, status=400)
