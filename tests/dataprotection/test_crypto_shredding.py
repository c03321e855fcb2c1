"""GD-3: each client's writing has its own data key; erasure destroys it in every copy."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from app import data_keys
from app.crypto import Keyring, ShreddedKeyError
from app.extensions import db
from app.models import CheckIn, ClientDataKey, JournalComment, JournalEntry, Response, User
from app.services import backup as backup_service
from app.services.erasure import erase_client
from tests.conftest import make_app
from tests.dataprotection.conftest import read_everything


@pytest.fixture
def shred_list(tmp_path):
    """A shred list of this test's own, shared by every app the test makes."""
    return tmp_path / "keys" / "shredded_data_keys.jsonl"


@pytest.fixture
def app_config(shred_list, file_keyring_config):
    return {**file_keyring_config, "REKINDLE_SHRED_LIST_FILE": str(shred_list)}


def same_keys(app) -> dict:
    """The configuration that makes another app use this app's keyring and shred list."""
    names = (
        "REKINDLE_ENCRYPTION_KEYS",
        "REKINDLE_ENCRYPTION_KEYS_FILE",
        "REKINDLE_SHRED_LIST_FILE",
    )
    return {name: app.config[name] for name in names}


def erase_a(app, planted) -> None:
    with app.app_context():
        erase_client(db.session.get(User, planted.a_id))
        db.session.commit()


def raw_rows(app, model, where) -> list[dict]:
    with app.app_context():
        table = model.__table__
        return [dict(r._mapping) for r in db.session.execute(sa.select(table).where(where))]


def a_value_count(app, planted) -> int:
    """How many stored values are under A's data key."""
    from app.services.keys import encrypted_columns

    with app.app_context():
        key_id = db.session.scalar(
            sa.select(ClientDataKey.id).where(ClientDataKey.user_id == planted.a_id)
        )
        blobs = [
            blob
            for column in encrypted_columns()
            for blob in db.session.scalars(sa.select(column.table.c[column.column]))
            if blob is not None
        ]
    return sum(
        1 for b in blobs if data_keys.is_client_value(b) and data_keys.data_key_id_of(b) == key_id
    )


def test_each_clients_writing_is_under_their_own_data_key(app, planted):
    with app.app_context():
        keys = dict(db.session.execute(sa.select(ClientDataKey.user_id, ClientDataKey.id)).all())
        assert set(keys) == {planted.a_id, planted.b_id}
        client_rows = [
            *[(e.author_id, e.body_ct) for e in db.session.scalars(sa.select(JournalEntry))],
            *[(c.user_id, c.scores_ct) for c in db.session.scalars(sa.select(CheckIn))],
        ]
        for author_id, blob in client_rows:
            assert data_keys.is_client_value(blob)
            assert data_keys.data_key_id_of(blob) == keys[author_id]
        answers = db.session.scalars(sa.select(Response.answer_ct)).all()
        assert answers and all(data_keys.is_client_value(b) for b in answers)
        # the counselor's writing stays under the practice's keyring
        comments = db.session.scalars(sa.select(JournalComment.body_ct)).all()
        assert comments and not any(data_keys.is_client_value(b) for b in comments)


def test_erasure_destroys_the_key_and_lists_it_outside_the_database(app, planted, shred_list):
    with app.app_context():
        ref = db.session.scalar(
            sa.select(ClientDataKey.ref).where(ClientDataKey.user_id == planted.a_id)
        )
    erase_a(app, planted)
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(ClientDataKey.id).where(ClientDataKey.user_id == planted.a_id)
            )
            is None
        )
    listed = [json.loads(line) for line in shred_list.read_text().splitlines()]
    assert [e["ref"] for e in listed] == [ref]
    assert oct(shred_list.stat().st_mode & 0o777) == "0o600"


def test_a_rolled_back_erasure_destroys_nothing(app, planted, shred_list):
    with app.app_context():
        erase_client(db.session.get(User, planted.a_id))
        db.session.rollback()
        db.session.expire_all()
        bodies = [e.body for e in db.session.scalars(sa.select(JournalEntry))]
    assert len(bodies) == 6
    assert not shred_list.exists()


def test_copies_left_in_pages_or_dead_tuples_stay_unreadable(app, planted):
    """An old copy of A's rows and of A's wrapped key, put back, still cannot be decrypted."""
    a_entries = raw_rows(app, JournalEntry, JournalEntry.author_id == planted.a_id)
    a_key = raw_rows(app, ClientDataKey, ClientDataKey.user_id == planted.a_id)
    erase_a(app, planted)
    with app.app_context():
        # What a dead tuple or a freed page still holds, resurrected by someone with the file.
        db.session.execute(sa.insert(ClientDataKey.__table__), a_key)
        db.session.execute(sa.insert(JournalEntry.__table__), a_entries)
        db.session.commit()
    fresh = make_app(app.config["SQLALCHEMY_DATABASE_URI"], **same_keys(app))
    with fresh.app_context():
        for row in a_entries:
            entry = db.session.get(JournalEntry, row["id"])
            with pytest.raises(ShreddedKeyError):
                _ = entry.body
        b_entries = db.session.scalars(
            sa.select(JournalEntry).where(JournalEntry.author_id == planted.b_id)
        ).all()
        assert [e for e in b_entries if "CANARY-b-" not in e.body] == []
        db.session.remove()
        db.engine.dispose()


def test_a_pre_erasure_backup_restores_without_the_erased_client(
    app,
    runner,
    planted,
    tmp_path,
    fresh_database,  # noqa: F811
):
    a_values = a_value_count(app, planted)
    assert a_values >= 3 * 3 + 2 + 1  # entries (title, body, tags), answers, a check-in
    target = tmp_path / "before-erasure.backup"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    erase_a(app, planted)

    restored = make_app(fresh_database, **same_keys(app))
    with restored.app_context():
        report = backup_service.restore(target)
        assert report.ok, report.problems
        # A's values came back from the backup, but their key is on the shred list.
        assert report.shredded_values == a_values
        assert report.erasures_reapplied == 1
        a = db.session.get(User, planted.a_id)
        assert a.erased_at is not None and a.name == "Erased client"
    text = read_everything(restored)
    assert [c for c in planted.canaries["a"].values() if c in text] == []
    assert [c for c in planted.canaries["b"].values() if c not in text] == []
    with restored.app_context():
        db.engine.dispose()


def test_key_rotation_rewraps_the_data_keys(app, planted):
    from app.services import keys as key_service

    with app.app_context():
        before = {k.id: k.key for k in db.session.scalars(sa.select(ClientDataKey))}
        key_service.add_key()
        key_service.reencrypt()
        db.session.expire_all()
        wrapped = db.session.scalars(sa.select(ClientDataKey.wrapped_key)).all()
        assert {Keyring.key_id_of(w) for w in wrapped} == {2}
        data_keys.forget_all()
        assert {k.id: k.key for k in db.session.scalars(sa.select(ClientDataKey))} == before
        assert all(e.body for e in db.session.scalars(sa.select(JournalEntry)))
