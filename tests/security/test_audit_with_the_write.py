"""AUD-4: a write and the audit events recorded before its commit are one transaction.

Stored together or not at all: a crash or an outage between two commits can no longer keep a
saved write without its event. Events no commit carried (reads, refusals, a commit that
failed) are still written after the request.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from app import audit
from app.extensions import db
from app.models import AuditEvent, User
from tests.events import listening


@contextmanager
def commits() -> Iterator[list[tuple[int, bool]]]:
    """For each commit: the audit events it carried, and whether it also changed a user."""
    seen: list[tuple[int, bool]] = []

    def after_flush(session: Session, _context) -> None:
        info = session.info
        info["t_events"] = info.get("t_events", 0) + sum(
            isinstance(o, AuditEvent) for o in session.new
        )
        info["t_user"] = info.get("t_user", False) or any(
            isinstance(o, User) for o in session.dirty
        )

    def after_commit(session: Session) -> None:
        seen.append((session.info.pop("t_events", 0), session.info.pop("t_user", False)))

    with listening(Session, after_flush=after_flush, after_commit=after_commit):
        yield seen


def _add_routes(app: Flask) -> None:
    def saved(user_id: int):
        user = db.session.get(User, user_id)
        user.name = "Saved by the view"
        audit.record("test.saved", user)
        db.session.commit()
        return "saved"

    def failed(user_id: int):
        audit.record("test.tried", db.session.get(User, user_id))
        db.session.add(User(email=None))  # NOT NULL: the commit fails
        try:
            db.session.commit()
        except sa.exc.IntegrityError:
            db.session.rollback()
        return "failed"

    app.add_url_rule("/test-only/save/<int:user_id>", "t_saved", saved, methods=["POST"])
    app.add_url_rule("/test-only/fail/<int:user_id>", "t_failed", failed, methods=["POST"])


def test_the_write_and_its_event_commit_together(app, factory, login_as):
    _add_routes(app)
    user = factory.counselor()
    client = login_as(user)
    with commits() as seen:
        assert client.post(f"/test-only/save/{user.id}").status_code == 200
    carried = [commit for commit in seen if commit != (0, False)]
    assert carried == [(1, True)], seen  # one commit: the change and its event


def test_an_event_whose_commit_failed_is_written_after_the_request(app, factory, login_as):
    _add_routes(app)
    user = factory.counselor()
    client = login_as(user)
    assert client.post(f"/test-only/fail/{user.id}").status_code == 200
    with app.app_context():
        actions = db.session.scalars(sa.select(AuditEvent.action)).all()
        assert actions.count("test.tried") == 1
        assert audit.verify_chain() is None
