"""GD-3: each client's writing has its own data key, kept outside the database in the client
key store; erasing the client deletes the key from the store."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import client_key_store, data_keys
from app.crypto import Keyring, ShreddedKeyError
from app.extensions import db
from app.models import CheckIn, ClientDataKey, JournalComment, JournalEntry, Response, User
from app.services import erasure
from tests.conftest import make_app
from tests.dataprotection.conftest import erase_client_now, same_keys


@pytest.fixture
def app_config(file_keyring_config):
    return file_keyring_config


def key_refs(app) -> dict[int, str]:
    """Each client's data key ref, by user id."""
    with app.app_context():
        return dict(db.session.execute(sa.select(ClientDataKey.user_id, ClientDataKey.ref)).all())


def stored(app) -> dict:
    """The key store file as it is on disk."""
    with app.app_context():
        return json.loads(client_key_store.store_path().read_text())


def raw_rows(app, model, where) -> list[dict]:
    with app.app_context():
        table = model.__table__
        return [dict(r._mapping) for r in db.session.execute(sa.select(table).where(where))]


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


def test_the_database_holds_only_refs_and_the_store_holds_the_wrapped_keys(app, planted):
    with app.app_context():
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns("client_data_keys")}
        path = client_key_store.store_path()
    assert columns == {"id", "user_id", "ref", "created_at"}
    refs = key_refs(app)
    contents = stored(app)
    assert set(contents["keys"]) == set(refs.values())
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    with app.app_context():
        for ref, wrapped in client_key_store.read_store().keys.items():
            assert wrapped[:1] == b"R"  # a keyring ciphertext
            assert len(client_key_store.unwrap(ref, wrapped)) == 32


def test_erasure_deletes_the_key_from_the_store_and_leaves_the_partners(app, planted):
    refs = key_refs(app)
    erase_client_now(app, planted.a_id)
    assert planted.a_id not in key_refs(app)
    contents = stored(app)
    assert set(contents["keys"]) == {refs[planted.b_id]}
    assert set(contents["shredded"]) == {refs[planted.a_id]}
    assert contents["pending"] == {}


def test_a_rolled_back_erasure_destroys_nothing(app, planted):
    refs = key_refs(app)
    with app.app_context():
        erasure.erase_client(db.session.get(User, planted.a_id))
        db.session.rollback()
        db.session.expire_all()
        bodies = [e.body for e in db.session.scalars(sa.select(JournalEntry))]
    assert len(bodies) == 6
    contents = stored(app)
    assert set(contents["keys"]) == set(refs.values())
    assert contents["shredded"] == {} and contents["pending"] == {}


def _erase_then_crash_before_shredding(app, user_id: int) -> None:
    """The erasure commits, but the process dies before its after-commit step."""
    with app.app_context():
        erasure.erase_client(db.session.get(User, user_id))
        db.session.info.pop(erasure._SHRED_QUEUE)
        db.session.commit()


def test_an_erasure_interrupted_after_its_commit_is_finished_later(app, planted):
    refs = key_refs(app)
    _erase_then_crash_before_shredding(app, planted.a_id)
    assert refs[planted.a_id] in stored(app)["keys"]  # the crash left the key behind
    with app.app_context():
        # not yet: a pending erasure younger than the grace period may still be committing
        assert erasure.finish_interrupted_erasures() == 0
        assert erasure.finish_interrupted_erasures(grace=timedelta(0)) == 1
    contents = stored(app)
    assert set(contents["keys"]) == {refs[planted.b_id]}
    assert set(contents["shredded"]) == {refs[planted.a_id]}
    assert contents["pending"] == {}


def test_a_pending_erasure_that_never_committed_keeps_its_key(app, planted):
    refs = key_refs(app)
    with app.app_context():
        client_key_store.mark_pending([refs[planted.a_id]])  # then the process died
        assert erasure.finish_interrupted_erasures(grace=timedelta(0)) == 0
        assert db.session.get(JournalEntry, 1).body
    contents = stored(app)
    assert set(contents["keys"]) == set(refs.values())
    assert contents["pending"] == {}


def test_copies_left_in_pages_or_dead_tuples_stay_unreadable(app, planted):
    """An old copy of A's rows and of A's key row, put back, still cannot be decrypted."""
    a_entries = raw_rows(app, JournalEntry, JournalEntry.author_id == planted.a_id)
    a_key = raw_rows(app, ClientDataKey, ClientDataKey.user_id == planted.a_id)
    erase_client_now(app, planted.a_id)
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


def test_a_key_shredded_by_another_process_is_not_served_from_memory(app, planted):
    with app.app_context():
        entry_id = db.session.scalar(
            sa.select(JournalEntry.id).where(JournalEntry.author_id == planted.a_id).limit(1)
        )
        assert db.session.get(JournalEntry, entry_id).body  # A's key is now cached here
        db.session.remove()
    other = make_app(app.config["SQLALCHEMY_DATABASE_URI"], **same_keys(app))
    with other.app_context():
        ref = db.session.scalar(
            sa.select(ClientDataKey.ref).where(ClientDataKey.user_id == planted.a_id)
        )
        client_key_store.shred([ref])  # another worker's erasure, committed
        db.engine.dispose()
    with app.app_context(), pytest.raises(ShreddedKeyError):
        _ = db.session.get(JournalEntry, entry_id).body


def test_key_rotation_rewraps_the_stored_data_keys(app, planted):
    from app.services import keys as key_service

    with app.app_context():
        before = {
            ref: client_key_store.unwrap(ref, w)
            for ref, w in client_key_store.read_store().keys.items()
        }
        key_service.add_key()
        key_service.reencrypt()
        wrapped = client_key_store.read_store().keys
        assert {Keyring.key_id_of(w) for w in wrapped.values()} == {2}
        key_service.retire_key(1)
        data_keys.forget_all()
        assert {ref: client_key_store.unwrap(ref, w) for ref, w in wrapped.items()} == before
        assert all(e.body for e in db.session.scalars(sa.select(JournalEntry)))


def test_a_key_still_wrapping_stored_data_keys_cannot_be_retired(app, planted, monkeypatch):
    from app.services import keys as key_service

    with app.app_context():
        key_service.add_key()
        monkeypatch.setattr(client_key_store, "rewrap", lambda ring: 0)  # an unfinished rotation
        key_service.reencrypt()
        with pytest.raises(key_service.KeyringError, match="still encrypts 2 value"):
            key_service.retire_key(1)
