"""Migration 0007 moves existing data: uid-bound ciphertexts and plain columns become id-bound
ciphertexts (a client's writing under their data key), so an old instance keeps working."""

from __future__ import annotations

import json

import sqlalchemy as sa
from flask_migrate import upgrade

from app import client_key_store
from app.crypto import keyring
from app.data_keys import is_client_value
from app.extensions import db
from app.models import CheckIn, ClientDataKey, JournalComment, JournalEntry, User
from app.services.journal import Filters, own_entries
from tests.conftest import make_app

NOW = "2026-11-01 10:00:00"


def _old_rows(conn) -> None:
    """Rows as revision 0003 stored them: ciphertexts bound to ``uid``, plain moods and scores."""
    ring = keyring()

    def old(table: str, field: str, uid: str, text: str) -> bytes:
        return ring.encrypt(text.encode(), f"{table}.{field}:{uid}".encode())

    def insert(table: str, **values) -> None:
        names = ", ".join(values)
        marks = ", ".join(f":{k}" for k in values)
        conn.execute(sa.text(f"INSERT INTO {table} ({names}) VALUES ({marks})"), values)  # noqa: S608

    common = {"active": True, "note_format": "SOAP", "created_at": NOW}
    insert(
        "users",
        id=1,
        email="c@x.test",
        name="C",
        role="counselor",
        totp_secret="JBSWY3DP",
        **common,
    )
    insert("users", id=2, email="a@x.test", name="A", role="client", **common)
    insert(
        "cases",
        id=1,
        label="A",
        kind="individual",
        status="active",
        counselor_id=1,
        created_at=NOW,
        updated_at=NOW,
    )
    insert("case_members", id=1, case_id=1, user_id=2, role="individual", joined_at=NOW)
    entry = {
        "id": 1,
        "uid": "u" * 32,
        "case_id": 1,
        "author_id": 2,
        "mood": 4,
        "visibility": "counselor",
        "status": "submitted",
        "draft_seq": 0,
        "version": 1,
        "created_at": NOW,
        "updated_at": NOW,
        "shared_at": NOW,
    }
    insert(
        "journal_entries",
        **entry,
        title_ct=old("journal_entries", "title", entry["uid"], "Old title"),
        body_ct=old("journal_entries", "body", entry["uid"], "Old body"),
        tags_ct=old("journal_entries", "tags", entry["uid"], json.dumps(["old"])),
    )
    insert(
        "journal_comments",
        id=1,
        uid="c" * 32,
        entry_id=1,
        author_id=1,
        created_at=NOW,
        body_ct=old("journal_comments", "body", "c" * 32, "Old comment"),
    )
    insert(
        "check_ins",
        id=1,
        case_id=1,
        user_id=2,
        satisfaction=1,
        communication=2,
        closeness=3,
        hope=4,
        created_at=NOW,
    )


def test_upgrade_from_0003_re_encrypts_existing_rows(tmp_path):
    app = make_app(
        f"sqlite:///{tmp_path / 'old.db'}",
        REKINDLE_CLIENT_KEY_STORE=str(tmp_path / "client_keys.json"),
    )
    with app.app_context():
        upgrade(revision="0003")
        with db.engine.begin() as conn:
            _old_rows(conn)
        upgrade()
        db.session.remove()
        entry = db.session.get(JournalEntry, 1)
        assert (entry.title, entry.body, entry.tags, entry.mood) == (
            "Old title",
            "Old body",
            ["old"],
            4,
        )
        assert is_client_value(entry.body_ct)
        # the client's data key went to the key store; the database names it only
        ref = db.session.scalar(sa.select(ClientDataKey.ref).where(ClientDataKey.user_id == 2))
        assert set(client_key_store.read_store().keys) == {ref}
        assert db.session.get(JournalComment, 1).body == "Old comment"
        assert db.session.get(CheckIn, 1).scores == {
            "satisfaction": 1,
            "communication": 2,
            "closeness": 3,
            "hope": 4,
        }
        assert db.session.get(User, 1).totp_secret == "JBSWY3DP"
        # the mood filter finds the migrated mood through its search term
        author = db.session.get(User, 2)
        assert [e.id for e in own_entries(author, Filters(mood=4), None).rows] == [1]
        assert own_entries(author, Filters(mood=2), None).rows == []
        db.session.remove()
        db.engine.dispose()
