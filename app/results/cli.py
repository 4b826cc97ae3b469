"""flask results publish-due: publish the editions whose scheduled time has passed (run it from cron)."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.extensions import db
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
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_BASE_URL"]):
        editions = publication.due_editions()
        if not editions:
            click.echo("No edition is due for publication.")
        for edition in editions:
            label = f"{edition.slug} (due {edition.results_publish_at:%Y-%m-%d %H:%M} UTC)"
            try:
                result = publication.publish_results(edition)
            except publication.NotReady as not_ready:
                failures += 1
                click.echo(f"{label}: not published: {not_ready}", err=True)
            except Exception as error:  # one edition's failure must not stop the others
                failures += 1
                db.session.rollback()
                current_app.logger.exception("publishing %s failed", edition.slug)
                click.echo(f"{label}: not published: {error}", err=True)
            else:
                if result.published:
                    click.echo(
                        f"{label}: published; {result.certificates} certificates issued, "
                        f"{result.emails} emails sent."
                    )
                else:
                    click.echo(f"{label}: already published, nothing changed.")
    if failures:
        raise SystemExit(1)


def register_commands(app: Flask) -> None:
    app.cli.add_command(results_cli)
