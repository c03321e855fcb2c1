"""RE-1: back up while the app writes, restore into a fresh database, verify everything."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import JournalEntry, Visibility
from app.services import backup as backup_service
from tests.conftest import make_app
from tests.dataprotection.conftest import is_sqlite, read_everything, server_url


class Writer(threading.Thread):
    """Keeps saving journal entries through the ORM, as the app would, until stopped."""

    def __init__(self, app, case_id: int, author_id: int) -> None:
        super().__init__(daemon=True)
        self.app, self.case_id, self.author_id = app, case_id, author_id
        self.stop = threading.Event()
        self.written = 0
        self.errors: list[Exception] = []

    def run(self) -> None:
        with self.app.app_context():
            while not self.stop.is_set():
                try:
                    entry = JournalEntry(
                        case_id=self.case_id,
                        author_id=self.author_id,
                        visibility=Visibility.PRIVATE,
                    )
                    entry.body = f"written during the backup {self.written}"
                    db.session.add(entry)
                    db.session.commit()
                    self.written += 1
                except Exception as exc:  # noqa: BLE001 - reported by the test
                    db.session.rollback()
                    self.errors.append(exc)
                    return
            db.session.remove()


def journal_count(app) -> int:
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(JournalEntry))
        db.session.remove()
        return count


def test_backup_during_writes_then_restore_into_a_fresh_database(
    app, runner, planted, tmp_path, fresh_database
):
    writer = Writer(app, planted.case_id, planted.a_id)
    writer.start()
    deadline = time.monotonic() + 10
    while writer.written < 20 and not writer.errors and time.monotonic() < deadline:
        time.sleep(0.01)
    written_before = writer.written
    target = tmp_path / "backups" / "rekindle.backup"
    result = runner.invoke(args=["backup", str(target)])
    # the app keeps writing after the backup too: the backup never locked it out
    deadline = time.monotonic() + 10
    while writer.written < written_before + 5 and not writer.errors and time.monotonic() < deadline:
        time.sleep(0.01)
    writer.stop.set()
    writer.join(30)
    assert writer.errors == []
    assert result.exit_code == 0, result.output
    assert "integrity checked" in result.output
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    manifest = json.loads(backup_service.manifest_path(target).read_text())
    backed_up = manifest["counts"]["journal_entries"]
    assert backed_up >= 6 + written_before
    assert writer.written >= written_before + 5

    restored = make_app(
        fresh_database, REKINDLE_CLIENT_KEY_STORE=app.config["REKINDLE_CLIENT_KEY_STORE"]
    )
    result = restored.test_cli_runner().invoke(args=["restore", str(target)])
    assert result.exit_code == 0, result.output
    assert "Restored and verified" in result.output

    text = read_everything(restored)
    missing = [c for c in planted.all() if c not in text]
    assert missing == []
    assert journal_count(restored) == backed_up
    with restored.app_context():
        db.engine.dispose()


def test_restore_refuses_a_database_that_is_not_empty(app, runner, planted, tmp_path):
    target = tmp_path / "rekindle.backup"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    result = runner.invoke(args=["restore", str(target)])
    assert result.exit_code != 0
    assert "not empty" in result.output
    assert planted.canaries["a"]["a-private-body"] in read_everything(app)


def test_backup_refuses_to_overwrite(app, runner, tmp_path):
    target = tmp_path / "rekindle.backup"
    target.write_bytes(b"precious")
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code != 0
    assert target.read_bytes() == b"precious"


def test_restore_refuses_a_damaged_backup(app, runner, planted, tmp_path, fresh_database):
    target = tmp_path / "rekindle.backup"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    restored = make_app(
        fresh_database, REKINDLE_CLIENT_KEY_STORE=app.config["REKINDLE_CLIENT_KEY_STORE"]
    )
    result = restored.test_cli_runner().invoke(args=["restore", str(target)])
    assert result.exit_code != 0
    assert "damaged" in result.output
    with restored.app_context():
        db.engine.dispose()


def test_restore_refuses_a_backup_without_its_manifest(app, runner, tmp_path):
    target = tmp_path / "rekindle.backup"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    backup_service.manifest_path(target).unlink()
    result = runner.invoke(args=["restore", str(target)])
    assert result.exit_code != 0
    assert "manifest" in result.output


def test_restore_reports_values_the_keyring_cannot_read(
    app, runner, planted, tmp_path, fresh_database
):
    target = tmp_path / "rekindle.backup"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    from app.crypto import Keyring

    other_keys = make_app(fresh_database, REKINDLE_ENCRYPTION_KEYS=Keyring.generate().to_json())
    result = other_keys.test_cli_runner().invoke(args=["restore", str(target)])
    assert result.exit_code != 0
    assert "do not decrypt with this keyring" in result.output
    with other_keys.app_context():
        db.engine.dispose()


def test_missing_pg_tools_give_a_clear_error(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    with pytest.raises(backup_service.BackupError, match="pg_dump was not found"):
        backup_service._pg_tool("pg_dump")


def test_plain_pg_dump_output_contains_no_canary(app, planted):
    if is_sqlite(app):
        pytest.skip("PostgreSQL only; the SQLite file is checked in test_encryption_at_rest")
    pg_dump = shutil.which("pg_dump")
    assert pg_dump, "pg_dump must be installed for the PostgreSQL run"
    url = server_url(app)
    env = backup_service._pg_env(url)
    dump = subprocess.run(
        [pg_dump, "--format=plain", "--data-only"], env=env, capture_output=True, check=True
    ).stdout
    assert planted.b_email.encode() in dump  # the search does find plain text
    assert [c for c in planted.all() if c.encode() in dump] == []


def test_backup_files_stay_private(app, runner, tmp_path):
    target = tmp_path / "rekindle.backup"
    old = os.umask(0)
    try:
        assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    finally:
        os.umask(old)
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    assert oct(backup_service.manifest_path(target).stat().st_mode & 0o777) == "0o600"
    assert not Path(str(target) + ".partial").exists()
