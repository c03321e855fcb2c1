"""AUD-4: page views commit their audit events without waiting for the disk; writes wait.

On PostgreSQL the transaction that appends a page view's events (a safe method whose view
committed nothing) commits with ``synchronous_commit = off``, so the chain's lock is not held
through the WAL flush; every transaction of a write, its audit events included, keeps the
synchronous commit. Whatever the kind, the chain stays one chain and the anchor only ever
names events that are on disk.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from app import audit
from app.audit_anchor import Anchor, anchor_durable_head, read_anchor
from app.extensions import db
from app.models import AuditEvent, User
from tests.events import listening


def _add_routes(app: Flask) -> None:
    """A page that only reads, and a change saved by POST and by GET (a confirming link)."""

    def viewed(user_id: int):
        audit.record("test.viewed", db.session.get(User, user_id))
        return "seen"

    def saved(user_id: int):
        user = db.session.get(User, user_id)
        user.name = "Saved by the view"
        db.session.commit()
        audit.record("test.saved", user)
        return "saved"

    app.add_url_rule("/test-only/view/<int:user_id>", "test_viewed", viewed, methods=["GET"])
    app.add_url_rule("/test-only/save/<int:user_id>", "test_saved", saved, methods=["POST", "GET"])


@contextmanager
def commits_with_events() -> Iterator[list[tuple[str, int]]]:
    """Each commit's ``synchronous_commit`` and how many audit events it carried."""
    seen: list[tuple[str, int]] = []

    def after_flush(session: Session, _context) -> None:
        added = sum(isinstance(obj, AuditEvent) for obj in session.new)
        session.info["test_events"] = session.info.get("test_events", 0) + added

    def before_commit(session: Session) -> None:
        setting = session.connection().exec_driver_sql("SHOW synchronous_commit").scalar()
        seen.append((str(setting), session.info.pop("test_events", 0)))

    with listening(Session, after_flush=after_flush, before_commit=before_commit):
        yield seen


@pytest.fixture
def on_postgres(app: Flask) -> None:
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("synchronous_commit is PostgreSQL's; SQLite commits all alike")


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("GET", "view", "off"),  # a page view: its events need not wait for the flush
        ("POST", "save", "on"),  # a write: saved and audited durably
        ("GET", "save", "on"),  # a GET whose view saved something is a write too
    ],
    ids=["page-view", "write", "get-that-writes"],
)
def test_commit_mode_per_transaction_kind(
    app, on_postgres, factory, login_as, method, path, expected
):
    _add_routes(app)
    user = factory.counselor()
    client = login_as(user)
    with commits_with_events() as seen:
        assert client.open(f"/test-only/{path}/{user.id}", method=method).status_code == 200
    audited = [setting for setting, events in seen if events]
    assert audited == [expected], seen
    # Every other commit of the request (the write itself) waited for the disk.
    assert all(setting == "on" for setting, events in seen if not events), seen


def test_a_page_view_is_anchored_once_it_is_on_disk(app, factory, login_as):
    _add_routes(app)
    user = factory.counselor()
    client = login_as(user)
    with app.app_context():
        postgres = db.engine.dialect.name == "postgresql"
        signed_in = read_anchor(app)
    assert client.get(f"/test-only/view/{user.id}").status_code == 200
    with app.app_context():
        newest = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        head = Anchor(newest.id, newest.chain_hash)
        # PostgreSQL: not at its commit (a crash could still lose it); SQLite: at once.
        assert read_anchor(app) == (signed_in if postgres else head)
        assert anchor_durable_head(db.session)
        assert read_anchor(app) == head


def test_the_next_write_anchors_the_page_views_before_it(app, factory, login_as):
    _add_routes(app)
    user = factory.counselor()
    client = login_as(user)
    assert client.get(f"/test-only/view/{user.id}").status_code == 200
    assert client.post(f"/test-only/save/{user.id}").status_code == 200
    with app.app_context():
        newest = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert newest.action == "test.saved"
        assert read_anchor(app) == Anchor(newest.id, newest.chain_hash)
        assert audit.verify_chain() is None


WRITERS = 6
EVENTS_EACH = 8


def test_page_views_and_writes_at_once_make_one_chain(app):
    """Half the writers append as page views (no flush wait), half durably, all at once."""
    start = threading.Barrier(WRITERS)
    failures: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            with app.app_context():
                start.wait(timeout=30)
                for index in range(EVENTS_EACH):
                    event = audit.PendingEvent(
                        action="test.concurrent",
                        object_type=None,
                        object_id=None,
                        case_id=None,
                        outcome="ok",
                        detail=f"writer {number} event {index}",
                        actor_id=None,
                        actor_role=None,
                        address=None,
                        at=audit.utcnow(),
                    )
                    audit.write_events([event], durable=number % 2 == 0)
                    db.session.commit()
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001  (reported below, in the test's thread)
            failures.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))
        assert count == WRITERS * EVENTS_EACH
        assert audit.verify_chain() is None
