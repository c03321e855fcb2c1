"""Fixtures of the messages tests: a couple with its counselor, their threads, sending."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Case, CaseStatus, Message, MessageThread, ThreadKind, User

THREAD_LINK = re.compile(r'href="/messages/(\d+)"')


@dataclass
class Couple:
    """A couple case: the counselor, partners A and B, and the signed-in clients of each."""

    case: Case
    counselor: User
    a: User
    b: User


@pytest.fixture
def couple(factory) -> Couple:
    counselor = factory.counselor(name="Dr. Lee")
    a = factory.client(name="Alex")
    b = factory.client(name="Sam")
    case = factory.case(counselor, [a, b], label="Alex and Sam")
    return Couple(case=case, counselor=counselor, a=a, b=b)


def threads_of(app, case_id: int) -> dict[str, int]:
    """``{"joint": id, "private-<user id>": id}`` of a case's existing threads."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(MessageThread.slot, MessageThread.id).where(MessageThread.case_id == case_id)
        ).all()
    return dict(rows)


def create_threads(app, case_id: int) -> dict[str, int]:
    """Create a case's threads directly (for tests whose clients cannot post without CSRF)."""
    from app.messages import thread_setup

    with app.app_context():
        case = db.session.get(Case, case_id)
        thread_setup.ensure_threads([(case, thread_setup.memberships_in(case))])
        db.session.commit()
    return threads_of(app, case_id)


@pytest.fixture
def open_threads(app, login_as, couple):
    """Open the case's messages once (creating its threads); ``{slot: id}``."""
    login_as(couple.counselor).get(f"/cases/{couple.case.id}/messages")
    return threads_of(app, couple.case.id)


def send(client, thread_id: int, body: str, key: str | None = None, **extra):
    """Post the composer of one thread."""
    data = {"body": body, "request_key": key or secrets.token_urlsafe(24), **extra}
    return client.post(f"/messages/{thread_id}", data=data)


def messages_in(app, thread_id: int) -> list[Message]:
    with app.app_context():
        rows = list(
            db.session.scalars(
                sa.select(Message).where(Message.thread_id == thread_id).order_by(Message.id)
            )
        )
        for row in rows:
            _ = row.body
            db.session.expunge(row)
    return rows


def close_case(app, case_id: int) -> None:
    with app.app_context():
        db.session.get(Case, case_id).status = CaseStatus.CLOSED
        db.session.commit()


__all__ = ["THREAD_LINK", "ThreadKind", "close_case", "messages_in", "send", "threads_of"]
