"""DP-1: client writing is stored as authenticated ciphertext bound to its row."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.crypto import DecryptionError
from app.extensions import db
from app.models import JournalEntry, ProcessNote, Response, SessionNote
from app.services.keys import encrypted_columns
from tests.dataprotection.conftest import database_bytes, is_sqlite


def test_every_encrypted_attribute_is_found_by_introspection(app):
    with app.app_context():
        labels = {column.label for column in encrypted_columns()}
    assert {
        "journal_entries.title",
        "journal_entries.body",
        "journal_entries.tags",
        "journal_comments.body",
        "responses.answer",
        "assignment_recipients.feedback",
        "session_notes.sections",
        "note_amendments.body",
        "process_notes.body",
    } <= labels


def test_planted_values_read_back_in_plain_text(app, planted):
    with app.app_context():
        bodies = [e.body for e in db.session.scalars(sa.select(JournalEntry))]
        answers = [r.answer["text"] for r in db.session.scalars(sa.select(Response))]
        process = db.session.scalars(sa.select(ProcessNote)).one().body
    stored = " ".join(bodies + answers + [process])
    for group in ("a", "b"):
        for label, value in planted.canaries[group].items():
            if "body" in label or "answer" in label:
                assert value in stored
    assert process == planted.canaries["staff"]["process"]


def test_raw_sqlite_file_contains_no_canary(app, planted):
    if not is_sqlite(app):
        pytest.skip("the raw-file check is SQLite's; PostgreSQL's is the pg_dump test")
    raw = database_bytes(app)
    assert len(raw) > 10_000
    leaked = [c for c in planted.all() if c.encode() in raw]
    assert leaked == []
    # the check itself can find plain text: the partner's email is stored in clear
    assert planted.b_email.encode() in raw


@pytest.mark.parametrize("position", [0, 1, 5, 20, -1])
def test_a_flipped_byte_fails_loudly(app, planted, position):
    with app.app_context():
        entry = db.session.scalars(sa.select(JournalEntry).limit(1)).one()
        blob = bytearray(entry.body_ct)
        blob[position] ^= 0x01
        db.session.execute(
            sa.update(JournalEntry).where(JournalEntry.id == entry.id).values(body_ct=bytes(blob))
        )
        db.session.commit()
        db.session.expire_all()
        entry = db.session.get(JournalEntry, entry.id)
        with pytest.raises(DecryptionError):
            _ = entry.body


def test_a_ciphertext_copied_into_another_row_fails_to_decrypt(app, planted):
    with app.app_context():
        first, second = db.session.scalars(
            sa.select(JournalEntry).order_by(JournalEntry.id).limit(2)
        ).all()
        db.session.execute(
            sa.update(JournalEntry)
            .where(JournalEntry.id == second.id)
            .values(body_ct=first.body_ct)
        )
        db.session.commit()
        db.session.expire_all()
        assert db.session.get(JournalEntry, first.id).body  # the original still reads
        with pytest.raises(DecryptionError):
            _ = db.session.get(JournalEntry, second.id).body


def test_a_ciphertext_copied_into_another_field_fails_to_decrypt(app, planted):
    with app.app_context():
        entry = db.session.scalars(sa.select(JournalEntry).limit(1)).one()
        db.session.execute(
            sa.update(JournalEntry)
            .where(JournalEntry.id == entry.id)
            .values(title_ct=entry.body_ct)
        )
        db.session.commit()
        db.session.expire_all()
        with pytest.raises(DecryptionError):
            _ = db.session.get(JournalEntry, entry.id).title


def test_a_note_copied_from_another_table_fails_to_decrypt(app, planted):
    with app.app_context():
        note = db.session.scalars(sa.select(SessionNote)).one()
        process = db.session.scalars(sa.select(ProcessNote)).one()
        db.session.execute(
            sa.update(SessionNote)
            .where(SessionNote.id == note.id)
            .values(sections_ct=process.body_ct)
        )
        db.session.commit()
        db.session.expire_all()
        with pytest.raises(DecryptionError):
            _ = db.session.get(SessionNote, note.id).sections
