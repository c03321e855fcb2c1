"""A request that only read ends its transaction with COMMIT on PostgreSQL, and keeps its plans.

psycopg forgets a connection's prepared statements on ROLLBACK, so ending every page view with
one made PostgreSQL plan every statement of every request afresh (app/database.py). A
transaction that ran only SELECTs and holds no unsaved change now ends with COMMIT; anything a
view changed and did not commit is still rolled back, whichever way it was changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask import Flask

from app.extensions import db
from app.models import User
from tests.events import listening

UNSAVED = "Changed by a GET, never saved"


def _add_routes(app: Flask) -> None:
    """Views that read, and views that change a row without committing (three ways)."""

    def reads(user_id: int):
        return db.session.get(User, user_id).name

    def changes_object(user_id: int):
        db.session.get(User, user_id).name = UNSAVED
        return "changed"

    def changes_and_flushes(user_id: int):
        db.session.get(User, user_id).name = UNSAVED
        db.session.execute(sa.select(User.id)).all()  # autoflush sends the UPDATE
        return "flushed"

    def updates_rows(user_id: int):
        db.session.execute(sa.update(User).where(User.id == user_id).values(name=UNSAVED))
        return "updated"

    for view in (reads, changes_object, changes_and_flushes, updates_rows):
        app.add_url_rule(f"/test-only/{view.__name__}/<int:user_id>", view.__name__, view)


@pytest.fixture
def postgres(app: Flask) -> None:
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("psycopg's prepared statements; SQLite has none to keep")


@contextmanager
def transaction_ends(app: Flask) -> Iterator[list[str]]:
    """How each database transaction ended: "commit" or "rollback"."""
    ends: list[str] = []
    with app.app_context():
        engine = db.engine

    def on_commit(_conn) -> None:
        ends.append("commit")

    def on_rollback(_conn) -> None:
        ends.append("rollback")

    with listening(engine, commit=on_commit, rollback=on_rollback):
        yield ends


@pytest.mark.parametrize("view", ["changes_object", "changes_and_flushes", "updates_rows"])
def test_a_change_a_get_did_not_commit_is_rolled_back(app, factory, login_as, view):
    _add_routes(app)
    user = factory.counselor(name="Kept name")
    client = login_as(user)
    with transaction_ends(app) as ends:
        assert client.get(f"/test-only/{view}/{user.id}").status_code == 200
    assert ends and ends[-1] == "rollback"
    with app.app_context():
        assert db.session.get(User, user.id).name == "Kept name"


def test_a_request_that_only_read_ends_with_commit(app, postgres, factory, login_as):
    _add_routes(app)
    user = factory.counselor(name="Read only")
    client = login_as(user)
    with transaction_ends(app) as ends:
        assert client.get(f"/test-only/reads/{user.id}").data == b"Read only"
    assert ends == ["commit"]


def test_prepared_statements_outlive_the_request(app, postgres, factory, login_as):
    """The sixth view of a page runs on statements psycopg prepared at the fifth."""
    counselor = factory.counselor()
    case, _a, _b = factory.couple(counselor)
    client = login_as(counselor)
    for _ in range(6):
        assert client.get(f"/cases/{case.id}").status_code == 200
    with app.app_context():
        conn = db.engine.raw_connection()
        try:
            cursor = conn.cursor()
            cursor.execute("SELECT count(*) FROM pg_prepared_statements")
            (prepared,) = cursor.fetchone()
        finally:
            conn.close()
    assert prepared > 0
