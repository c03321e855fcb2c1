"""Builders for the notification centre tests: a couple, the library, the outbox as rows.

The job queue runs in immediate mode in tests, so a notification announced by a request is
delivered (in-app, and by e-mail when a mail server is configured) as soon as that request
commits.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Notification, NotificationState
from tests.modules.conftest import (  # noqa: F401  (fixtures shared with the modules tests)
    Couple,
    _unlink_versions_after_test,
    builtin,
    couple,
    give,
)


@dataclass(frozen=True)
class Row:
    """What a test needs to know of one outbox row (never any text: rows hold none)."""

    id: int
    recipient_id: int
    kind: str
    case_id: int | None
    about: tuple[str | None, int | None]
    state: NotificationState
    shown: bool
    read: bool


def outbox(app, **where) -> list[Row]:
    """Every outbox row (oldest first), optionally filtered by column values."""
    with app.app_context():
        query = sa.select(Notification).order_by(Notification.id)
        for column, value in where.items():
            query = query.where(getattr(Notification, column) == value)
        return [
            Row(
                n.id,
                n.recipient_id,
                n.kind,
                n.case_id,
                (n.about_type, n.about_id),
                n.state,
                n.shown_at is not None,
                n.read_at is not None,
            )
            for n in db.session.scalars(query)
        ]


def kinds_for(app, user) -> list[str]:
    """The kinds of the notifications ``user`` was given, oldest first."""
    return [r.kind for r in outbox(app, recipient_id=user.id)]


def request_key() -> str:
    """A form's idempotency key, as the page would mint it."""
    return secrets.token_urlsafe(24)


@pytest.fixture
def people(couple, factory):  # noqa: F811  (the modules tests' couple fixture)
    """The couple, their counselor, and people who must never hear of them."""
    other_counselor = factory.counselor()
    outsider = factory.client()
    factory.case(other_counselor, [outsider])
    return {
        "counselor": couple.counselor,
        "a": couple.a,
        "b": couple.b,
        "other_counselor": other_counselor,
        "outsider": outsider,
        "admin": factory.admin(),
    }


def nobody_else(app, people: dict, *allowed) -> dict[str, list[str]]:
    """Kinds each person outside ``allowed`` was given (a passing test wants all empty)."""
    allowed_ids = {p.id for p in allowed}
    return {
        name: kinds_for(app, person)
        for name, person in people.items()
        if person.id not in allowed_ids and kinds_for(app, person)
    }


def add_shown(app, user, count: int, *, kind: str = "assignments.new", case_id=None) -> list[int]:
    """``count`` delivered in-app notifications for ``user``, written straight into the outbox
    (for lists and counts; opening one asks the policy, which finds nothing behind them)."""
    from app.models import utcnow

    with app.app_context():
        rows = [
            Notification(
                key=f"test:{user.id}:{secrets.token_hex(8)}",
                recipient_id=user.id,
                kind=kind,
                case_id=case_id,
                about_type="assignment_recipient",
                about_id=10_000 + i,
                state=NotificationState.SENT,
                shown_at=utcnow(),
            )
            for i in range(count)
        ]
        db.session.add_all(rows)
        db.session.commit()
        return [r.id for r in rows]
