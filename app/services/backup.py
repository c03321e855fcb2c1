"""Backup and restore of the database (docs/security.md RE-1).

* SQLite: the online backup API copies a consistent snapshot while the app keeps writing (WAL
  lets the copy read while writers append), then ``PRAGMA integrity_check`` runs on the copy.
* PostgreSQL: ``pg_dump`` in custom format, run inside an exported snapshot so the row counts
  written next to the dump describe exactly what the dump holds; ``pg_restore`` restores it.

Every backup gets a manifest (``PATH.manifest.json``): the file's SHA-256 and the row count of
every table. Restore refuses a backup whose checksum does not match, restores only into an
empty database, and then verifies the counts and that every encrypted value decrypts with the
current keyring and the client key store. Backups hold ciphertext only; the keyring and the
client key store are NOT in them: back them up together, separately from the database.

Erasures reach backups too (docs/security.md GD-3): a backup taken before a client was erased
still holds that client's rows, but their data key is gone from the client key store, so the
values cannot be decrypted by anyone. The restore reports them as shredded (the store keeps a
tombstone for each destroyed key) and re-applies the erasure, so the restored database holds
no trace of the client either. A data key that is neither in the store nor tombstoned means the
wrong key store: reported as a problem, and nothing is erased.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - pg_dump/pg_restore are run without a shell
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app

from app import client_key_store, data_keys
from app.crypto import DataKeyMissing, DecryptionError, ShreddedKeyError
from app.extensions import db

MANIFEST_SUFFIX = ".manifest.json"


class BackupError(RuntimeError):
    """A backup or restore could not be done safely; the message says why."""


@dataclass
class RestoreReport:
    """What a restore found when it checked its work."""

    tables: int = 0
    rows: int = 0
    encrypted_values: int = 0
    #: values under the data key of a client erased after the backup: unreadable on purpose
    shredded_values: int = 0
    #: clients erased after the backup whose erasure the restore applied again
    erasures_reapplied: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every check passed."""
        return not self.problems


def manifest_path(path: Path) -> Path:
    """Where the manifest of the backup at ``path`` lives."""
    return path.with_name(path.name + MANIFEST_SUFFIX)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _table_names() -> list[str]:
    return [t.name for t in db.metadata.sorted_tables] + ["alembic_version"]


def _url() -> sa.URL:
    return sa.make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)


def backup(path: Path) -> dict[str, Any]:
    """Back up the app's database to ``path`` (refuses to overwrite); returns the manifest."""
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} exists already; choose a new file name.")
    path.parent.mkdir(parents=True, exist_ok=True)
    url = _url()
    if url.get_backend_name() == "sqlite":
        counts = _backup_sqlite(url, path)
    elif url.get_backend_name() == "postgresql":
        counts = _backup_postgresql(url, path)
    else:
        raise BackupError(f"Backups of {url.get_backend_name()} databases are not supported.")
    manifest = {
        "format": url.get_backend_name(),
        "sha256": _sha256(path),
        "counts": counts,
    }
    _write_private(manifest_path(path), json.dumps(manifest, indent=2, sort_keys=True))
    return manifest


def _sqlite_file(url: sa.URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("This SQLite database has no file to back up.")
    return Path(url.database)


def _sqlite_counts(conn: sqlite3.Connection) -> dict[str, int]:
    existing = {
        name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    return {
        name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]  # noqa: S608 - known names
        for name in _table_names()
        if name in existing
    }


def _integrity_problem(conn: sqlite3.Connection) -> str | None:
    result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    return None if result == ["ok"] else "; ".join(result[:5])


def _backup_sqlite(url: sa.URL, path: Path) -> dict[str, int]:
    source_file = _sqlite_file(url)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    # Create the file private first: the backup API keeps the mode of an existing file.
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    with (
        closing(sqlite3.connect(source_file, timeout=30)) as source,
        closing(sqlite3.connect(partial)) as target,
    ):
        # One step (pages=-1) reads one consistent snapshot; WAL keeps writers going meanwhile.
        source.backup(target, pages=-1)
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        problem = _integrity_problem(target)
        if problem:
            raise BackupError(f"The backup failed its integrity check: {problem}")
        counts = _sqlite_counts(target)
    os.replace(partial, path)
    return counts


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} was not found. Install the PostgreSQL client tools "
            f"(for example `apt-get install postgresql-client`) matching the server's version."
        )
    return found


def _pg_env(url: sa.URL) -> dict[str, str]:
    """libpq settings through the environment, so the password never shows in a process list."""
    env = dict(os.environ)
    for var, value in (
        ("PGHOST", url.host),
        ("PGPORT", url.port),
        ("PGUSER", url.username),
        ("PGPASSWORD", url.password),
        ("PGDATABASE", url.database),
    ):
        if value is not None:
            env[var] = str(value)
    return env


def _run(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {result.stderr.strip()[-800:]}")


def _pg_counts(conn: sa.Connection) -> dict[str, int]:
    existing = set(sa.inspect(conn).get_table_names())
    return {
        name: conn.execute(sa.text(f'SELECT count(*) FROM "{name}"')).scalar_one()  # noqa: S608
        for name in _table_names()
        if name in existing
    }


def _backup_postgresql(url: sa.URL, path: Path) -> dict[str, int]:
    pg_dump = _pg_tool("pg_dump")
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                # The dump and the counts read the same exported snapshot.
                snapshot = conn.execute(sa.text("SELECT pg_export_snapshot()")).scalar_one()
                counts = _pg_counts(conn)
                _run(
                    [pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={partial}"],
                    _pg_env(url),
                )
    finally:
        engine.dispose()
    os.replace(partial, path)
    return counts


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest of the backup at ``path``, checked against the file's checksum."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    mpath = manifest_path(path)
    if not mpath.is_file():
        raise BackupError(f"{mpath} is missing; without it the backup cannot be verified.")
    manifest: dict[str, Any] = json.loads(mpath.read_text())
    if _sha256(path) != manifest.get("sha256"):
        raise BackupError(f"{path} does not match its manifest's checksum: it is damaged.")
    return manifest


def restore(path: Path, progress: Callable[[str], None] | None = None) -> RestoreReport:
    """Restore the backup at ``path`` into the app's (empty) database and verify it."""
    say = progress or (lambda _msg: None)
    path = Path(path)
    manifest = read_manifest(path)
    url = _url()
    backend = url.get_backend_name()
    if manifest.get("format") != backend:
        raise BackupError(f"This is a {manifest.get('format')} backup; the app uses {backend}.")
    db.session.remove()
    db.engine.dispose()
    _ensure_empty()
    say("The target database is empty; restoring.")
    if backend == "sqlite":
        _restore_sqlite(url, path)
    else:
        _restore_postgresql(url, path)
    db.engine.dispose()
    data_keys.forget_all()
    say("Restored; verifying.")
    report = verify(manifest["counts"])
    if report.ok:
        report.erasures_reapplied = reapply_erasures()
        if report.erasures_reapplied:
            say(f"Erased again {report.erasures_reapplied} client(s) erased after this backup.")
    return report


def reapply_erasures() -> int:
    """Erase again every client whose data key was shredded but whose rows came back."""
    from app.models import ClientDataKey, User
    from app.services.erasure import erase_client

    refs = set(client_key_store.read_store().shredded)
    if not refs:
        return 0
    users = db.session.scalars(
        sa.select(User)
        .join(ClientDataKey, ClientDataKey.user_id == User.id)
        .where(ClientDataKey.ref.in_(refs))
    ).all()
    for user in users:
        if user.erased_at is None:
            erase_client(user)
        else:  # erased in the backup already; only its key row came back
            db.session.execute(sa.delete(ClientDataKey).where(ClientDataKey.user_id == user.id))
    db.session.commit()
    return len(users)


def _ensure_empty() -> None:
    with db.engine.connect() as conn:
        # A freshly migrated database counts as empty: only Alembic's version row is there.
        tables = set(sa.inspect(conn).get_table_names()) - {"alembic_version"}
        for name in sorted(tables):
            if conn.execute(sa.text(f'SELECT 1 FROM "{name}" LIMIT 1')).first():  # noqa: S608
                raise BackupError(
                    f"The target database is not empty (table {name} has rows). "
                    "Restore into a new, empty database."
                )


def _restore_sqlite(url: sa.URL, path: Path) -> None:
    target_file = _sqlite_file(url)
    with closing(sqlite3.connect(path)) as source:
        problem = _integrity_problem(source)
        if problem:
            raise BackupError(f"The backup failed its integrity check: {problem}")
        with closing(sqlite3.connect(target_file, timeout=30)) as target:
            source.backup(target, pages=-1)
            target.execute("PRAGMA journal_mode=WAL")
            problem = _integrity_problem(target)
    if problem:
        raise BackupError(f"The restored database failed its integrity check: {problem}")


def _restore_postgresql(url: sa.URL, path: Path) -> None:
    pg_restore = _pg_tool("pg_restore")
    env = _pg_env(url)
    _run([pg_restore, "--list", str(path)], env)  # reads the whole table of contents
    # Tables made by migrations but empty would collide with the dump's own CREATE statements.
    with db.engine.begin() as conn:
        for table in sa.inspect(conn).get_table_names():
            conn.execute(sa.text(f'DROP TABLE IF EXISTS "{table}" CASCADE'))
    _run(
        [
            pg_restore,
            "--exit-on-error",
            "--single-transaction",
            "--no-owner",
            "--no-privileges",
            f"--dbname={url.database}",
            str(path),
        ],
        env,
    )


def verify(expected_counts: dict[str, int]) -> RestoreReport:
    """Compare row counts with the manifest and decrypt every encrypted value."""
    from app.services.keys import encrypted_columns

    report = RestoreReport()
    with db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            problem = conn.exec_driver_sql("PRAGMA integrity_check").scalar()
            if problem != "ok":
                report.problems.append(f"integrity check: {problem}")
        existing = set(sa.inspect(conn).get_table_names())
        for name, expected in sorted(expected_counts.items()):
            if name not in existing:
                report.problems.append(f"table {name} is missing")
                continue
            actual = conn.execute(sa.text(f'SELECT count(*) FROM "{name}"')).scalar_one()  # noqa: S608
            report.tables += 1
            report.rows += actual
            if actual != expected:
                report.problems.append(f"table {name}: {actual} rows, the backup had {expected}")
        for column in encrypted_columns():
            table = column.table
            ct = table.c[column.column]
            failures = missing = 0
            for row_id, blob in _values(conn, table, ct):
                report.encrypted_values += 1
                try:
                    data_keys.open_value(column.aad(row_id), blob, lambda: conn)
                except ShreddedKeyError:
                    report.shredded_values += 1
                except DataKeyMissing:
                    missing += 1
                except DecryptionError:
                    failures += 1
            if missing:
                report.problems.append(
                    f"{column.label}: {missing} value(s) are under client data keys that are not "
                    f"in the client key store ({client_key_store.store_path()}); restore with "
                    "the key store kept with this keyring"
                )
            if failures:
                report.problems.append(
                    f"{column.label}: {failures} value(s) do not decrypt with this keyring"
                )
    return report


def _values(
    conn: sa.Connection, table: sa.Table, ct: sa.Column[bytes], batch: int = 2000
) -> Iterator[sa.Row[int, bytes]]:
    """(id, ciphertext) of every row with a value, in id batches (decrypting may query)."""
    last = None
    while True:
        query = sa.select(table.c.id, ct).where(ct.is_not(None)).order_by(table.c.id).limit(batch)
        if last is not None:
            query = query.where(table.c.id > last)
        rows = conn.execute(query).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].id
