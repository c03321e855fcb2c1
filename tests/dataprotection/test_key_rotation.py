"""DP-2: `keys rotate` re-encrypts everything in resumable batches; old keys retire safely."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from app.crypto import Keyring, keyring
from app.extensions import db
from app.models import JournalComment, JournalEntry, ProcessNote, Response
from app.services import keys as key_service
from tests.dataprotection.conftest import canary

ROWS = 3000


@pytest.fixture
def app_config(file_keyring_config):
    return file_keyring_config


def bulk_comments(app, counselor_id: int, count: int = ROWS) -> list[str]:
    """Insert ``count`` encrypted counselor comments (keyring values) in one statement."""
    bodies = []
    with app.app_context():
        ring = keyring()
        entry_id = db.session.scalar(sa.select(JournalEntry.id).limit(1))
        rows = []
        for n in range(count):
            row_id = 10_000 + n  # explicit ids: the ciphertext is bound to the row's id
            body = f"comment {n} {canary('bulk')}"
            bodies.append(body)
            rows.append(
                {
                    "id": row_id,
                    "uid": f"{row_id:032x}",
                    "entry_id": entry_id,
                    "author_id": counselor_id,
                    "body_ct": ring.encrypt(
                        body.encode(), f"journal_comments.body#{row_id}".encode()
                    ),
                }
            )
        db.session.execute(sa.insert(JournalComment.__table__), rows)
        db.session.commit()
    return bodies


def all_plain_text(app) -> tuple[list[str], dict]:
    """Every journal body and answer, decrypted (raises if any fails), and key usage."""
    with app.app_context():
        db.session.expire_all()
        bodies = [e.body for e in db.session.scalars(sa.select(JournalEntry).order_by("id"))]
        bodies += [c.body for c in db.session.scalars(sa.select(JournalComment).order_by("id"))]
        answers = [r.answer for r in db.session.scalars(sa.select(Response).order_by("id"))]
        notes = [p.body for p in db.session.scalars(sa.select(ProcessNote))]
        return bodies + [json.dumps(a) for a in answers] + notes, key_service.key_usage()


def test_rotate_retire_and_everything_still_decrypts(app, runner, planted, keyring_file):
    bulk_comments(app, planted.counselor_id)
    before, usage = all_plain_text(app)
    assert set(usage) == {1}
    assert oct(keyring_file.stat().st_mode & 0o777) == "0o600"

    result = runner.invoke(args=["keys", "rotate", "--batch-size", "1000"])
    assert result.exit_code == 0, result.output
    assert "Added key 2" in result.output
    assert f"journal_comments.body: 1000/{ROWS + 2}" in result.output  # progress per batch
    assert "re-encrypted" in result.output

    after, usage = all_plain_text(app)
    assert after == before
    assert set(usage) == {2}

    result = runner.invoke(args=["keys", "retire", "--key-id", "1"])
    assert result.exit_code == 0, result.output
    stored = Keyring.from_json(keyring_file.read_text())
    assert set(stored.keys) == {2} and stored.active == 2
    assert oct(keyring_file.stat().st_mode & 0o777) == "0o600"

    # a new app reading only the file (old key gone) still reads everything
    from tests.conftest import make_app

    fresh = make_app(
        app.config["SQLALCHEMY_DATABASE_URI"],
        REKINDLE_ENCRYPTION_KEYS=None,
        REKINDLE_ENCRYPTION_KEYS_FILE=str(keyring_file),
    )
    assert all_plain_text(fresh)[0] == before


class Interrupted(Exception):
    pass


def test_interrupted_rotation_resumes_and_skips_finished_rows(app, runner, planted):
    bulk_comments(app, planted.counselor_id)
    before, _ = all_plain_text(app)
    seen = []

    def stop_after_two_batches(step):
        if step.column == "journal_comments.body":
            seen.append(step)
        if len(seen) == 2:
            raise Interrupted

    with app.app_context():
        key_service.add_key()
        with pytest.raises(Interrupted):
            key_service.reencrypt(batch_size=500, progress=stop_after_two_batches)
        half = key_service.key_usage()
    assert half[2] >= 1000 and half[1] > 0  # two batches committed, the rest not yet

    result = runner.invoke(args=["keys", "retire", "--key-id", "1"])
    assert result.exit_code != 0
    assert "still encrypts" in result.output

    result = runner.invoke(args=["keys", "rotate", "--resume", "--batch-size", "500"])
    assert result.exit_code == 0, result.output
    assert "Added key" not in result.output
    rewritten = int(result.output.split("Done: ")[1].split(" ")[0])
    assert rewritten == half[1]  # the finished rows were skipped

    after, usage = all_plain_text(app)
    assert after == before and set(usage) == {2}
    assert runner.invoke(args=["keys", "retire", "--key-id", "1"]).exit_code == 0


def test_retiring_the_active_key_is_refused(app, runner, planted):
    result = runner.invoke(args=["keys", "retire", "--key-id", "1"])
    assert result.exit_code != 0
    assert "active key" in result.output


def test_retiring_an_unknown_key_is_refused(app, runner):
    result = runner.invoke(args=["keys", "retire", "--key-id", "9"])
    assert result.exit_code != 0
    assert "not in the keyring" in result.output


def test_rotation_never_overwrites_a_concurrent_save(app, planted, monkeypatch):
    """A value the app saves after rotation read its batch is left alone (compare and swap)."""
    original_batches = key_service._batches

    def batches_with_a_save_in_between(column, batch_size):
        for rows in original_batches(column, batch_size):
            if column.label == "journal_comments.body":
                target = rows[0]
                with db.engine.begin() as conn:  # another writer, e.g. a web worker
                    blob = keyring().encrypt(
                        b"saved by the app meanwhile",
                        f"journal_comments.body#{target.id}".encode(),
                    )
                    conn.execute(
                        sa.update(JournalComment)
                        .where(JournalComment.id == target.id)
                        .values(body_ct=blob)
                    )
            yield rows

    monkeypatch.setattr(key_service, "_batches", batches_with_a_save_in_between)
    with app.app_context():
        key_service.add_key()
        first_id = db.session.scalar(sa.select(JournalComment.id).order_by(JournalComment.id))
        key_service.reencrypt(batch_size=100)
        db.session.expire_all()
        assert db.session.get(JournalComment, first_id).body == "saved by the app meanwhile"
        assert set(key_service.key_usage()) == {2}


def test_status_lists_keys_and_usage(app, runner, planted):
    result = runner.invoke(args=["keys", "status"])
    assert result.exit_code == 0, result.output
    assert "key 1 (active):" in result.output
    # planted: three entries (title, body, tags), two answers and a check-in per partner
    assert "clients' data keys (wrapped by the keys above): 24 value(s)" in result.output


def test_rotation_refuses_a_keyring_from_the_environment(make_env_app):
    result = make_env_app.test_cli_runner().invoke(args=["keys", "rotate"])
    assert result.exit_code != 0
    assert "REKINDLE_ENCRYPTION_KEYS" in result.output


@pytest.fixture
def make_env_app(migrated_database):
    from tests.conftest import make_app

    return make_app(migrated_database)
