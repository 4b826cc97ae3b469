"""flask backup create / verify / restore."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

backup_cli = AppGroup("backup", help="Back up and restore the database and the files together.")


def _run(action, path: str):
    from app.backup.archive import BackupProblem

    try:
        return action(Path(path))
    except BackupProblem as problem:
        raise click.ClickException(str(problem)) from None


@backup_cli.command("create")
@click.argument("path", type=click.Path(dir_okay=False))
def create(path: str) -> None:
    """Write a backup of the database and the files to PATH (and PATH.sha256)."""
    from app.backup.installation import create as create_backup

    summary = _run(create_backup, path)
    click.echo(
        _(
            "Backup written to %(path)s: %(rows)d rows, %(files)d files. SHA-256: %(sha)s",
            path=summary.path,
            rows=sum(summary.rows.values()),
            files=summary.files,
            sha=summary.sha256,
        )
    )


@backup_cli.command("verify")
@click.argument("path", type=click.Path(dir_okay=False))
def verify(path: str) -> None:
    """Check a backup against its checksums without restoring it."""
    from app.backup.archive import verify as verify_backup

    manifest = _run(verify_backup, path)
    click.echo(
        _(
            "%(path)s is intact: made %(created)s, %(rows)d rows, %(files)d files.",
            path=path,
            created=manifest["created_at"],
            rows=sum(manifest["rows"].values()),
            files=manifest["files"],
        )
    )


@backup_cli.command("restore")
@click.argument("path", type=click.Path(dir_okay=False))
def restore(path: str) -> None:
    """Restore a backup into this empty installation (checked first; nothing changes if it is damaged)."""
    from app.backup.installation import restore as restore_backup

    summary = _run(restore_backup, path)
    click.echo(
        _(
            "Restored %(path)s: %(rows)d rows, %(files)d files.",
            path=path,
            rows=sum(summary.rows.values()),
            files=summary.files,
        )
    )


@backup_cli.command("export-edition")
@click.argument("slug")
@click.argument("path", type=click.Path(dir_okay=False))
def export_edition(slug: str, path: str) -> None:
    """Write one edition (its applications, files, sheets, awards, certificates) to PATH."""
    from app.backup.edition import export_edition as export

    summary = _run(lambda target: export(slug, target), path)
    click.echo(
        _(
            "Edition %(slug)s written to %(path)s: %(rows)d rows, %(files)d files.",
            slug=summary.slug,
            path=path,
            rows=sum(summary.rows.values()),
            files=summary.files,
        )
    )


@backup_cli.command("import-edition")
@click.argument("path", type=click.Path(dir_okay=False))
def import_edition(path: str) -> None:
    """Add an exported edition to this installation (checked first; nothing changes if it cannot be)."""
    from app.backup.edition import import_edition as add

    summary = _run(add, path)
    click.echo(
        _(
            "Edition %(slug)s imported from %(path)s: %(rows)d rows, %(files)d files.",
            slug=summary.slug,
            path=path,
            rows=sum(summary.rows.values()),
            files=summary.files,
        )
    )
