"""flask results publish-due: publish the editions whose scheduled time has passed (run it from cron)."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_babel import gettext as _

from app.extensions import db
from app.i18n import command_request
from app.results import publication

results_cli = AppGroup("results", help="Publication of the results.")


@results_cli.command("publish-due")
def publish_due() -> None:
    """Publish every edition whose scheduled publication time has passed; safe to run every minute.

    Exits with status 1 when an edition is due but cannot be published (judging open, no awards, an
    error); the others are published all the same.
    """
    failures = 0
    # Links in the emails and on the certificates point at the public site, not at a request's host.
    with command_request():
        editions = publication.due_editions()
        if not editions:
            click.echo(_("No edition is due for publication."))
        for edition in editions:
            label = _(
                "%(edition)s (due %(when)s UTC)",
                edition=edition.slug,
                when=f"{edition.results_publish_at:%Y-%m-%d %H:%M}",
            )
            try:
                result = publication.publish_results(edition)
            except publication.NotReady as not_ready:
                failures += 1
                click.echo(_("%(edition)s: not published: %(why)s", edition=label, why=not_ready), err=True)
            except Exception as error:  # one edition's failure must not stop the others
                failures += 1
                db.session.rollback()
                current_app.logger.exception("publishing %s failed", edition.slug)
                click.echo(_("%(edition)s: not published: %(why)s", edition=label, why=error), err=True)
            else:
                if result.published:
                    click.echo(
                        _(
                            "%(edition)s: published; %(certificates)d certificates and %(emails)d "
                            "emails handed to the workers.",
                            edition=label,
                            certificates=result.certificates,
                            emails=result.emails,
                        )
                    )
                else:
                    click.echo(_("%(edition)s: already published, nothing changed.", edition=label))
    if failures:
        raise SystemExit(1)


def register_commands(app: Flask) -> None:
    app.cli.add_command(results_cli)
