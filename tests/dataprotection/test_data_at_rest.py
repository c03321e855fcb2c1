"""Issue 19.10: more columns encrypted, ciphertexts bound to the primary key, private db files."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.crypto import DecryptionError
from app.extensions import db
from app.models import Assignment, CheckIn, JournalEntry, User
from app.policy import EVERY_CASE
from app.services import backup as backup_service
from app.services.journal import mood_points
from tests.conftest import make_app
from tests.dataprotection.conftest import canary, database_bytes, is_sqlite, server_url

#: Columns that held plain values before 19.10 and must not exist any more.
FORMERLY_PLAIN = {
    "users": {"totp_secret"},
    "journal_entries": {"mood"},
    "check_ins": {"satisfaction", "communication", "closeness", "hope"},
    "assignments": {"note"},
}


def test_formerly_plain_columns_are_gone(app):
    with app.app_context(), db.engine.connect() as conn:
        inspector = sa.inspect(conn)
        left = {
            table: {c["name"] for c in inspector.get_columns(table)} & names
            for table, names in FORMERLY_PLAIN.items()
        }
    assert left == {table: set() for table in FORMERLY_PLAIN}


@pytest.fixture
def secrets_planted(app, planted, factory):
    """A TOTP secret, an assignment note, moods and check-in scores with recognisable values."""
    counselor = factory.counselor()
    secret = "JBSWY3DPEHPK3PXP" + canary("totp").split("-")[-1].upper()
    note = canary("assignment-note")
    with app.app_context():
        db.session.get(User, counselor.id).totp_secret = secret
        db.session.scalars(sa.select(Assignment)).one().note = note
        for n, entry in enumerate(db.session.scalars(sa.select(JournalEntry))):
            entry.mood = n % 5 + 1
        db.session.commit()
    return {"secret": secret, "note": note, "counselor_id": counselor.id}


def test_new_encrypted_values_read_back(app, planted, secrets_planted):
    with app.app_context():
        db.session.expire_all()
        assert (
            db.session.get(User, secrets_planted["counselor_id"]).totp_secret
            == (secrets_planted["secret"])
        )
        assert db.session.scalars(sa.select(Assignment)).one().note == secrets_planted["note"]
        check_in = db.session.scalars(sa.select(CheckIn).order_by(CheckIn.id)).first()
        assert (check_in.satisfaction, check_in.communication, check_in.closeness) == (3, 4, 5)
        assert check_in.hope == 6
        moods = sorted(
            m
            for author_id in (planted.a_id, planted.b_id)
            for _, _, m in mood_points(db.session.get(User, author_id), EVERY_CASE, [author_id])
        )
        assert moods and set(moods) <= {1, 2, 3, 4, 5}


def _raw_database(app) -> bytes:
    """The SQLite file and its WAL, or a plain pg_dump of the data on PostgreSQL."""
    if is_sqlite(app):
        return database_bytes(app)
    pg_dump = shutil.which("pg_dump")
    assert pg_dump, "pg_dump must be installed for the PostgreSQL run"
    env = backup_service._pg_env(server_url(app))
    return subprocess.run(
        [pg_dump, "--format=plain", "--data-only"], env=env, capture_output=True, check=True
    ).stdout


def test_stored_data_holds_no_totp_secret_or_assignment_note(app, planted, secrets_planted):
    raw = _raw_database(app)
    assert planted.b_email.encode() in raw  # the search does find plain text
    assert secrets_planted["secret"].encode() not in raw
    assert secrets_planted["note"].encode() not in raw


def _swap_in(model, column: str, source_id: int, target_id: int) -> None:
    """Move a ciphertext *and the row's uid* from one row to another, as an attacker could."""
    table = model.__table__
    source = db.session.execute(sa.select(table).where(table.c.id == source_id)).one()
    values = {column: getattr(source, column)}
    if "uid" in table.c:
        db.session.execute(table.update().where(table.c.id == source_id).values(uid="0" * 32))
        values["uid"] = source.uid
    db.session.execute(table.update().where(table.c.id == target_id).values(values))
    db.session.commit()
    db.session.expire_all()


def test_a_ciphertext_moved_with_its_uid_fails_to_decrypt(app, planted):
    with app.app_context():
        first, second = db.session.scalars(
            sa.select(JournalEntry.id).order_by(JournalEntry.id).limit(2)
        ).all()
        _swap_in(JournalEntry, "body_ct", first, second)
        with pytest.raises(DecryptionError):
            _ = db.session.get(JournalEntry, second).body


def test_check_in_scores_moved_to_another_row_fail_to_decrypt(app, planted):
    with app.app_context():
        first, second = db.session.scalars(sa.select(CheckIn.id).order_by(CheckIn.id)).all()
        _swap_in(CheckIn, "scores_ct", first, second)
        with pytest.raises(DecryptionError):
            _ = db.session.get(CheckIn, second).scores


# --- database files -----------------------------------------------------------------------


def _mode(path: Path) -> str:
    return oct(stat.S_IMODE(path.stat().st_mode))


def test_a_new_sqlite_database_and_its_wal_are_private(tmp_path):
    path = tmp_path / "fresh.db"
    old = os.umask(0o022)
    try:
        app = make_app(f"sqlite:///{path}")
        with app.app_context():
            db.session.execute(sa.text("CREATE TABLE t (x)"))
            db.session.execute(sa.text("INSERT INTO t VALUES (1)"))
            db.session.commit()
            files = [p for p in tmp_path.iterdir() if p.name.startswith("fresh.db")]
            assert {p.name for p in files} >= {"fresh.db", "fresh.db-wal", "fresh.db-shm"}
            assert {p.name: _mode(p) for p in files} == {p.name: "0o600" for p in files}
            db.engine.dispose()
    finally:
        os.umask(old)


def test_an_old_world_readable_database_is_made_private(tmp_path):
    path = tmp_path / "old.db"
    path.touch(mode=0o644)
    os.chmod(path, 0o644)
    app = make_app(f"sqlite:///{path}")
    with app.app_context():
        db.session.execute(sa.text("SELECT 1"))
        db.session.remove()
        db.engine.dispose()
    assert _mode(path) == "0o600"


def test_a_row_inserted_again_after_a_rollback_still_decrypts(app, planted):
    with app.app_context():
        entry = JournalEntry(case_id=planted.case_id, author_id=planted.a_id)
        entry.body = "written, rolled back, written again"
        savepoint = db.session.begin_nested()
        db.session.add(entry)
        db.session.flush()
        first_id = entry.id
        savepoint.rollback()
        # Something else takes the id the rolled-back row had.
        other = JournalEntry(case_id=planted.case_id, author_id=planted.b_id)
        other.id = first_id
        db.session.add(other)
        db.session.flush()
        entry.id = None
        db.session.add(entry)
        db.session.commit()
        assert entry.id != first_id
        entry_id = entry.id
        db.session.remove()  # read it back from the database, not from memory
        assert db.session.get(JournalEntry, entry_id).body == "written, rolled back, written again"
