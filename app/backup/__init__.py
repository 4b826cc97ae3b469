"""Backups of a whole installation: its database and its files in one archive, verified by checksums.

`flask --app wsgi backup create FILE` writes a gzip'd tar archive holding every table's rows (JSON lines,
one member per table, in the order foreign keys need), every stored file (attachments, certificates,
prepared files) and, last, a manifest with the SHA-256 of each member, the schema's Alembic revision and the
row counts. A sidecar `FILE.sha256` (the `sha256sum` format) checks the archive as a whole.

`flask --app wsgi backup restore FILE` reads the archive twice: first to check every member against the
manifest (and the archive against its sidecar when present), changing nothing; then, only if all is well, it
writes the files and inserts the rows in one transaction. It restores only into an empty installation (no
row in any table) whose schema is the backup's revision, or into a database with no table (it builds it).
The rows go through SQLAlchemy, not a database's own dump tool, so a backup made on SQLite restores on
PostgreSQL and the other way round.

Left out on purpose: sign-in sessions (everyone signs in again after a restore).
Infrastructure: reads the tables through the metadata, imports no domain.
"""
