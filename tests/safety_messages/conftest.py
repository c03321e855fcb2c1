"""A couple at intake with its threads open; partner A raises a concern, then writes."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import CaseStatus, Message, Notification, User
from tests.intake.conftest import CALM, WORRIED, answer_check, intake  # noqa: F401
from tests.messages.conftest import send, threads_of

HELD = "HELD-while-the-concern-is-open"


@dataclass
class Story:
    """The case, its people and threads, and the id of A's held joint message (if written)."""

    case_id: int
    counselor: User
    a: User
    b: User
    threads: dict[str, int]
    held_id: int | None


def tell(factory, app, login_as, *, concern: bool, write_held: bool = True) -> Story:
    """The counselor and A write before the checks; A's check is worried (or calm); then A
    writes ``HELD`` in the joint thread (only where there is a concern, for the twins)."""
    counselor = factory.counselor(name="Dana Counselor")
    a = factory.client(name="Alex Rivers")
    b = factory.client(name="Sam Rivers")
    case = factory.case(counselor, [a, b], status=CaseStatus.INTAKE, label="Rivers")
    login_as(counselor).get(f"/cases/{case.id}/messages")
    threads = threads_of(app, case.id)
    send(login_as(counselor), threads["joint"], "Welcome to you both")
    send(login_as(a), threads["joint"], "Alex before the check")
    answer_check(login_as(b), case.id, CALM)
    answer_check(login_as(a), case.id, WORRIED if concern else CALM)
    held_id = None
    if write_held:
        sent = send(login_as(a), threads["joint"], HELD)
        assert sent.status_code == 302, sent.data
        held_id = int(sent.headers["Location"].rsplit("#m", 1)[1])
    return Story(case.id, counselor, a, b, threads, held_id)


@pytest.fixture
def story(factory, app, login_as) -> Story:
    return tell(factory, app, login_as, concern=True)


def notified_about(app, message_id: int) -> set[int]:
    """Who the outbox holds a notification for about this message."""
    with app.app_context():
        return set(
            db.session.scalars(
                sa.select(Notification.recipient_id).where(
                    Notification.about_type == "message", Notification.about_id == message_id
                )
            )
        )


def message_exists(app, message_id: int) -> bool:
    with app.app_context():
        return db.session.get(Message, message_id) is not None
