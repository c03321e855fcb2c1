"""GD-3 and backups: a backup taken before an erasure is, for the erased client, ciphertext
that nobody can decrypt any more, keyring and key store in hand; the partner's stays readable."""

from __future__ import annotations

import base64
import contextlib
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import Flask

from app.crypto import DecryptionError, Keyring
from app.extensions import db
from app.models import JournalEntry, ResponseStatus, User, Visibility
from app.services import backup as backup_service
from tests.conftest import TEST_PASSWORD, make_app
from tests.dataprotection.conftest import erase_client_now, read_everything, same_keys


@pytest.fixture
def backup_before_erasing_a(app, runner, planted, tmp_path) -> Path:
    """A backup of the planted case, then A erased in the live database."""
    target = tmp_path / "before-erasure.backup"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    erase_client_now(app, planted.a_id)
    return target


def restore_raw(app: Flask, database_url: str, backup: Path) -> Flask:
    """Put the backup's rows into a fresh database as they are: no checks, no re-erasure."""
    restored = make_app(database_url, **same_keys(app))
    url = sa.make_url(database_url)
    with restored.app_context():
        if url.get_backend_name() == "sqlite":
            backup_service._restore_sqlite(url, backup)
        else:
            backup_service._restore_postgresql(url, backup)
        db.engine.dispose()
    return restored


def recoverable_data_keys(app: Flask, conn: sa.Connection) -> list[bytes]:
    """Every data key someone holding the keyring, the key store file and the database can
    unwrap with their own code, whatever the app would refuse."""
    ring = Keyring.from_json(app.config["REKINDLE_ENCRYPTION_KEYS"])
    found = []
    store = Path(app.config["REKINDLE_CLIENT_KEY_STORE"])
    if store.exists():
        for ref, wrapped in json.loads(store.read_text())["keys"].items():
            aad = f"client_key_store.key:{ref}".encode()
            found.append(ring.decrypt(base64.b64decode(wrapped), aad))
    table = sa.Table("client_data_keys", sa.MetaData(), autoload_with=conn)
    for row in conn.execute(sa.select(table)).mappings():
        for value in row.values():  # any key material the database itself might hold
            if isinstance(value, bytes | memoryview):
                aad = f"client_data_keys.key#{row['id']}".encode()
                with contextlib.suppress(DecryptionError):
                    found.append(ring.decrypt(bytes(value), aad))
    return found


def decrypt_with_any(keys: list[bytes], blob: bytes, aad: bytes) -> str | None:
    blob = bytes(blob)
    for key in keys:
        try:
            return AESGCM(key).decrypt(blob[5:17], blob[17:], aad).decode()
        except InvalidTag:
            continue
    return None


def test_an_erased_clients_rows_in_an_old_backup_cannot_be_decrypted_by_anyone(
    app, planted, backup_before_erasing_a, fresh_database
):
    restore_raw(app, fresh_database, backup_before_erasing_a)
    engine = sa.create_engine(fresh_database, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        keys = recoverable_data_keys(app, conn)
        rows = conn.execute(sa.text("SELECT id, author_id, body_ct FROM journal_entries")).all()
    engine.dispose()
    plain = {
        row.id: (
            row.author_id,
            decrypt_with_any(keys, row.body_ct, f"journal_entries.body#{row.id}".encode()),
        )
        for row in rows
    }
    a_bodies = [text for author, text in plain.values() if author == planted.a_id]
    b_bodies = [text for author, text in plain.values() if author == planted.b_id]
    assert len(a_bodies) == 3 and len(b_bodies) == 3  # A's ciphertext is in the backup...
    assert a_bodies == [None, None, None]  # ...but no key for it exists anywhere
    assert all(text and "CANARY-b-" in text for text in b_bodies)


def test_restoring_an_old_backup_erases_the_client_again(
    app, planted, backup_before_erasing_a, fresh_database
):
    restored = make_app(fresh_database, **same_keys(app))
    result = restored.test_cli_runner().invoke(args=["restore", str(backup_before_erasing_a)])
    assert result.exit_code == 0, result.output
    assert "Erased again 1 client(s)" in result.output
    assert "belonged to clients erased after this backup" in result.output
    with restored.app_context():
        a = db.session.get(User, planted.a_id)
        assert a.erased_at is not None and a.name == "Erased client"
        db.session.remove()
    text = read_everything(restored)
    assert [c for c in planted.canaries["a"].values() if c in text] == []
    assert [c for c in planted.canaries["b"].values() if c not in text] == []
    with restored.app_context():
        db.engine.dispose()


def test_a_restore_with_the_wrong_key_store_erases_nobody(
    app, planted, backup_before_erasing_a, fresh_database, tmp_path
):
    restored = make_app(
        fresh_database,
        **{**same_keys(app), "REKINDLE_CLIENT_KEY_STORE": str(tmp_path / "empty-store.json")},
    )
    with restored.app_context():
        report = backup_service.restore(backup_before_erasing_a)
        assert not report.ok
        assert any("not in the client key store" in p for p in report.problems)
        assert report.erasures_reapplied == 0
        users = db.session.scalars(sa.select(User).where(User.id.in_([planted.a_id, planted.b_id])))
        assert [u.erased_at for u in users] == [None, None]
        db.session.remove()
        db.engine.dispose()


def test_a_page_showing_writing_without_its_key_says_so_instead_of_failing(
    app, planted, backup_before_erasing_a, fresh_database
):
    restored = restore_raw(app, fresh_database, backup_before_erasing_a)
    with restored.app_context():
        counselor_email = db.session.get(User, planted.counselor_id).email
        shared = dict(
            db.session.execute(
                sa.select(JournalEntry.author_id, JournalEntry.id).where(
                    JournalEntry.visibility != Visibility.PRIVATE,
                    JournalEntry.status == ResponseStatus.SUBMITTED,
                )
            ).all()
        )
        db.session.remove()
    client = restored.test_client()
    login = client.post("/login", data={"email": counselor_email, "password": TEST_PASSWORD})
    assert login.status_code == 302
    erased = client.get(f"/caseload/journal/{shared[planted.a_id]}")
    assert erased.status_code == 410
    assert "no longer available" in erased.get_data(as_text=True)
    intact = client.get(f"/caseload/journal/{shared[planted.b_id]}")
    assert intact.status_code == 200
    assert planted.canaries["b"]["b-shared-body"] in intact.get_data(as_text=True)
    with restored.app_context():
        db.engine.dispose()


def test_the_backup_command_says_where_the_keys_are(app, runner, tmp_path):
    result = runner.invoke(args=["backup", str(tmp_path / "b.backup")])
    assert result.exit_code == 0, result.output
    assert "keyring and the client key store are not in the backup" in result.output
