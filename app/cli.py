"""flask commands: demo data, users."""

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.extensions import db

demo_cli = AppGroup("demo", help="The demo edition.")
users_cli = AppGroup("users", help="Accounts.")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already holds editions.")
def demo_load(if_empty: bool) -> None:
    """Load the demo editions, applications and accounts."""
    from app.contests.models import Edition
    from app.demo import DEMO_PASSWORD, load_demo

    if not current_app.config.get("DEMO_DATA_ALLOWED"):
        raise click.ClickException(_("Demo data cannot be loaded into a production configuration."))
    if if_empty and db.session.scalar(select(func.count()).select_from(Edition)):
        click.echo(_("The database already holds data: demo not loaded."))
        return
    summary = load_demo()
    db.session.commit()
    click.echo(
        _(
            "Demo loaded: %(summary)s. Every demo account's password is %(password)s.",
            summary=summary,
            password=repr(DEMO_PASSWORD),
        )
    )


@demo_cli.command("accounts")
def demo_accounts() -> None:
    """List the demo accounts and their password."""
    from app.demo import demo_accounts_text

    click.echo(demo_accounts_text())


@click.command("worker")
@click.option("--workers", type=click.IntRange(1, 64), help="Worker processes (default: JOBS_WORKERS).")
@click.option(
    "--no-scheduler",
    is_flag=True,
    help="Leave the periodic jobs (scheduled publication, the sweep) to another worker.",
)
def worker(workers: int | None, no_scheduler: bool) -> None:
    """Run the background jobs (certificates, emails, files) until interrupted."""
    from app import jobs

    count = workers or current_app.config["JOBS_WORKERS"]
    click.echo(
        _(
            "Worker: %(count)d processes on %(queue)s. Stop it with Ctrl+C.",
            count=count,
            queue=current_app.config["JOBS_QUEUE_URL"].split("@")[-1],
        )
    )
    jobs.run_worker(current_app._get_current_object(), workers=count, scheduler=not no_scheduler)


def register(app: Flask) -> None:
    from app.auth.cli import register_commands as register_user_commands
    from app.backup.cli import backup_cli
    from app.results.cli import register_commands as register_results_commands

    register_user_commands(users_cli)
    register_results_commands(app)
    app.cli.add_command(demo_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(worker)
    app.cli.add_command(backup_cli)
