"""SQLite runs in WAL mode with a busy timeout (docs/performance.md T8)."""

import pytest
import sqlalchemy as sa

from app.extensions import db


def test_sqlite_uses_wal_and_busy_timeout(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite-only pragmas; this run uses PostgreSQL")
        assert db.session.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(sa.text("PRAGMA busy_timeout")).scalar() >= 5000
        assert db.session.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
