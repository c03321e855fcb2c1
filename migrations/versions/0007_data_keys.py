"""Data at rest: per-client data keys, ciphertexts bound to primary keys, more columns encrypted.

* ``client_data_keys``: which data key is each client's, by its random ``ref`` only; the keys
  themselves go to the client key store outside the database, wrapped by the keyring
  (crypto-shredding, ``app.client_key_store``).
* The TOTP secret, journal moods, check-in scores and assignment notes become ciphertext
  (``*_ct`` columns); the plain columns are dropped.
* Every existing ciphertext was bound to its row's ``uid``; it is re-encrypted bound to the
  row's primary key, and a client's writing (entries, answers, check-ins) moves under that
  client's data key. Moods also get their keyed-hash search term, for the mood filter.

The data step needs the app's keyring, so it runs only through ``flask db upgrade`` (an app
context); offline SQL generation is refused. It commits with the schema change: an
interrupted upgrade leaves the database at 0003, and running it again starts over (the data
keys an interrupted run put in the key store name no row and encrypt nothing).

Revision ID: 0007
Revises: 0006
"""

import json
import sqlite3

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

BATCH = 500

#: (table, attribute, ciphertext column, how to find the owning client's user id or None)
OLD_CIPHERTEXTS = [
    ("journal_entries", "title", "title_ct", "author_id"),
    ("journal_entries", "body", "body_ct", "author_id"),
    ("journal_entries", "tags", "tags_ct", "author_id"),
    ("responses", "answer", "answer_ct", "recipient"),
    ("journal_comments", "body", "body_ct", None),
    ("assignment_recipients", "feedback", "feedback_ct", None),
    ("session_notes", "sections", "sections_ct", None),
    ("note_amendments", "body", "body_ct", None),
    ("process_notes", "body", "body_ct", None),
]
SCORES = ("satisfaction", "communication", "closeness", "hope")


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite" and sqlite3.sqlite_version_info < (3, 35, 0):
        raise RuntimeError(
            f"0007 needs SQLite 3.35 or newer (ALTER TABLE DROP COLUMN); this Python has "
            f"{sqlite3.sqlite_version}."
        )
    op.create_table(
        "client_data_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_client_data_keys_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_data_keys")),
        sa.UniqueConstraint("ref", name=op.f("uq_client_data_keys_ref")),
        sa.UniqueConstraint("user_id", name=op.f("uq_client_data_keys_user_id")),
    )
    for table, column in (
        ("users", "totp_secret_ct"),
        ("journal_entries", "mood_ct"),
        ("check_ins", "scores_ct"),
        ("assignments", "note_ct"),
    ):
        op.add_column(table, sa.Column(column, sa.LargeBinary(), nullable=True))

    _migrate_data(op.get_bind())

    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+ too): a batch copy of the table would
    # DROP it, and SQLite runs the ON DELETE CASCADE actions of every referencing row then.
    for table, column in (
        ("users", "totp_secret"),
        ("journal_entries", "mood"),
        *(("check_ins", name) for name in SCORES),
        ("assignments", "note"),
    ):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")


def downgrade():
    raise NotImplementedError(
        "0007 cannot be undone: the plain columns' values exist only encrypted now. "
        "Restore a backup taken before the upgrade instead."
    )


# --- data ---------------------------------------------------------------------------------


def _has_rows(conn, table):
    return conn.execute(sa.text(f"SELECT 1 FROM {table} LIMIT 1")).first() is not None  # noqa: S608


def _migrate_data(conn):
    tables = [t for t, *_ in OLD_CIPHERTEXTS] + ["users", "check_ins", "assignments"]
    if not any(_has_rows(conn, t) for t in set(tables)):
        return  # a fresh install: nothing to re-encrypt
    if op.get_context().as_sql:
        raise RuntimeError("0007 re-encrypts stored values; run it online with `flask db upgrade`.")
    from flask import current_app

    from app.crypto import DecryptionError, keyring
    from app.data_keys import seal_value

    if not current_app:
        raise RuntimeError("0007 needs the app's keyring: run it with `flask db upgrade`.")
    ring = keyring()

    def new_aad(table, attribute, row_id):
        return f"{table}.{attribute}#{row_id}".encode()

    def owner_of(table, owner, row):
        if owner is None:
            return None
        if owner == "recipient":
            return conn.execute(
                sa.text("SELECT user_id FROM assignment_recipients WHERE id = :id"),
                {"id": row.recipient_id},
            ).scalar_one()
        return getattr(row, owner)

    for table, attribute, column, owner in OLD_CIPHERTEXTS:
        extra = {"author_id": ", author_id", "recipient": ", recipient_id"}.get(owner, "")
        for row in _rows(conn, f"SELECT id, uid, {column}{extra} FROM {table}", column):  # noqa: S608
            blob = getattr(row, column)
            try:
                plaintext = ring.decrypt(blob, f"{table}.{attribute}:{row.uid}".encode())
            except DecryptionError as exc:
                raise RuntimeError(
                    f"0007: {table}.{attribute} of row {row.id} does not decrypt with this "
                    f"keyring ({exc}). Nothing was changed. Start the upgrade with the keyring "
                    "this database was written with (REKINDLE_ENCRYPTION_KEYS or the key file)."
                ) from exc
            fresh = seal_value(
                new_aad(table, attribute, row.id),
                plaintext,
                conn=conn,
                owner_id=owner_of(table, owner, row),
            )
            _update(conn, table, row.id, column, fresh)

    from app.services.journal_search import search_hashes  # the hash the mood filter looks for

    for row in _rows(conn, "SELECT id, author_id, mood FROM journal_entries", "mood"):
        fresh = seal_value(
            new_aad("journal_entries", "mood", row.id),
            json.dumps(int(row.mood)).encode(),
            conn=conn,
            owner_id=row.author_id,
        )
        _update(conn, "journal_entries", row.id, "mood_ct", fresh)
        for term in search_hashes([], [], int(row.mood)):
            conn.execute(
                sa.text("INSERT INTO journal_search_terms (entry_id, term) VALUES (:e, :t)"),
                {"e": row.id, "t": term},
            )
    columns = ", ".join(SCORES)
    for row in _rows(conn, f"SELECT id, user_id, {columns} FROM check_ins", "satisfaction"):  # noqa: S608
        scores = {name: int(getattr(row, name)) for name in SCORES}
        fresh = seal_value(
            new_aad("check_ins", "scores", row.id),
            json.dumps(scores).encode(),
            conn=conn,
            owner_id=row.user_id,
        )
        _update(conn, "check_ins", row.id, "scores_ct", fresh)
    for row in _rows(conn, "SELECT id, note FROM assignments", "note"):
        if row.note:
            fresh = ring.encrypt(row.note.encode(), new_aad("assignments", "note", row.id))
            _update(conn, "assignments", row.id, "note_ct", fresh)
    for row in _rows(conn, "SELECT id, totp_secret FROM users", "totp_secret"):
        fresh = ring.encrypt(row.totp_secret.encode(), new_aad("users", "totp_secret", row.id))
        _update(conn, "users", row.id, "totp_secret_ct", fresh)


def _rows(conn, select, not_null):
    """The rows of ``select`` with ``not_null`` set, in id batches."""
    last = 0
    while True:
        rows = conn.execute(
            sa.text(
                f"{select} WHERE {not_null} IS NOT NULL AND id > :last ORDER BY id LIMIT {BATCH}"
            ),
            {"last": last},
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].id


def _update(conn, table, row_id, column, value):
    conn.execute(
        sa.text(f"UPDATE {table} SET {column} = :v WHERE id = :id"),  # noqa: S608
        {"v": value, "id": row_id},
    )
