"""AUD-1/AUD-2: the admin's audit page (metadata only, filters, pages) and `audit verify`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app import audit
from app.extensions import db
from app.models import AuditEvent, User


def _events(app, specs):
    """Write events through the real chain, at given times."""
    with app.app_context():
        pending = [
            audit.PendingEvent(
                action=action,
                object_type="journal_entries",
                object_id=index,
                case_id=case_id,
                outcome="ok",
                detail=None,
                actor_id=actor_id,
                actor_role="counselor",
                address="10.0.0.1",
                at=at,
            )
            for index, (action, actor_id, case_id, at) in enumerate(specs, 1)
        ]
        audit.write_events(pending)
        db.session.commit()


def _page(client, **params):
    response = client.get("/admin/audit", query_string=params)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_filters_by_user_case_and_date(app, factory, login_as):
    admin = factory.admin()
    one, two = factory.counselor(), factory.counselor()
    day = datetime(2026, 3, 10, 12, tzinfo=UTC)
    _events(
        app,
        [
            ("journal.read", one.id, 11, day),
            ("journal.read", two.id, 12, day),
            ("session.pdf", one.id, 12, day + timedelta(days=3)),
        ],
    )
    client = login_as(admin)
    page = _page(client, user=one.email.upper())
    assert "journal_entries #1" in page and "journal_entries #3" in page
    assert "journal_entries #2" not in page
    page = _page(client, case=12)
    assert "journal_entries #1" not in page and "journal_entries #2" in page
    page = _page(client, start="2026-03-12", end="2026-03-13")
    assert "session.pdf" in page and "journal_entries #1" not in page
    page = _page(client, end="2026-03-10")
    assert "journal_entries #1" in page and "session.pdf" not in page
    assert "No account has that" in _page(client, user="nobody@example.test")


@pytest.mark.parametrize(
    "params", [{"case": "drop table"}, {"start": "yesterday"}, {"page": "-5"}, {"page": "x"}]
)
def test_bad_filters_never_fail(factory, login_as, params):
    client = login_as(factory.admin())
    response = client.get("/admin/audit", query_string=params)
    assert response.status_code == 200


def test_pages_of_fifty(app, factory, login_as):
    admin = factory.admin()
    at = datetime(2026, 1, 1, tzinfo=UTC)
    _events(app, [(f"action.{n:03d}", admin.id, 5, at) for n in range(120)])
    client = login_as(admin)
    first = _page(client, case=5)
    assert "action.119" in first and "action.070" in first and "action.069" not in first
    assert "page=2" in first
    third = _page(client, case=5, page=3)
    assert "action.019" in third and "action.000" in third and "page=4" not in third


@pytest.mark.parametrize("role", ["counselor", "client"])
def test_only_admins_see_the_audit_log(factory, login_as, role):
    client = login_as(factory.user(role))
    assert client.get("/admin/audit").status_code == 404


def test_verify_reports_an_intact_chain(app, factory, runner):
    user = factory.counselor()
    _events(app, [("journal.read", user.id, 1, datetime.now(UTC)) for _ in range(5)])
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "intact: 5 events" in result.output


@pytest.mark.parametrize(
    "change",
    [
        {"action": "journal.list"},
        {"actor_id": 999},
        {"outcome": "denied"},
        {"address": "203.0.113.9"},
        {"case_id": 77},
    ],
)
def test_verify_finds_the_first_changed_row(app, factory, runner, change):
    user = factory.counselor()
    _events(app, [("journal.read", user.id, 1, datetime.now(UTC)) for _ in range(6)])
    with app.app_context():
        ids = db.session.scalars(sa.select(AuditEvent.id).order_by(AuditEvent.id)).all()
        db.session.execute(sa.update(AuditEvent).where(AuditEvent.id == ids[3]).values(**change))
        db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"event {ids[3]} " in result.output


def test_verify_finds_a_deleted_row(app, factory, runner):
    user = factory.counselor()
    _events(app, [("journal.read", user.id, 1, datetime.now(UTC)) for _ in range(4)])
    with app.app_context():
        ids = db.session.scalars(sa.select(AuditEvent.id).order_by(AuditEvent.id)).all()
        db.session.execute(sa.delete(AuditEvent).where(AuditEvent.id == ids[1]))
        db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"event {ids[2]} " in result.output


def test_audit_page_shows_metadata_not_client_text(app, factory, login_as):
    admin = factory.admin()
    with app.app_context():
        assert db.session.get(User, admin.id) is not None
    _events(app, [("journal.read", admin.id, 3, datetime.now(UTC))])
    page = _page(login_as(admin))
    assert "journal.read" in page and "10.0.0.1" in page
