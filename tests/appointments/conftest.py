"""Fixtures of the appointment book's tests: a practice in Helsinki (DST on 29 March and
25 October 2026... and 2027), a couple, and a helper that books through the service."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Appointment, Modality, SessionKind
from app.services import appointments as book_service
from app.services.recurrence import Repeat

ZONE = "Europe/Helsinki"
CANARY = "Zqx-canary-7781"


@pytest.fixture
def app_config() -> dict:
    return {"REKINDLE_TIMEZONE": ZONE}


@pytest.fixture
def couple(factory):
    """(case, partner A, partner B, counselor) with a canary in every name and the label."""
    counselor = factory.counselor(name=f"Dana {CANARY}")
    a = factory.client(name=f"Alex {CANARY}")
    b = factory.client(name=f"Sam {CANARY}")
    case = factory.case(counselor, [a, b], label=f"Case {CANARY}")
    return case, a, b, counselor


@pytest.fixture
def book(app: Flask) -> Callable[..., list[int]]:
    """``book(case, counselor, local_start, count=None, kind=..., expected=[...])`` → ids."""

    def _book(
        case,
        counselor,
        local_start: datetime,
        *,
        count: int | None = None,
        interval: int = 1,
        kind: SessionKind = SessionKind.JOINT,
        expected: list[int] | None = None,
        modality: Modality = Modality.IN_PERSON,
        video_url: str | None = None,
        minutes: int = 50,
    ) -> list[int]:
        with app.app_context():
            details = book_service.Details(
                local_start=local_start,
                timezone=ZONE,
                duration_minutes=minutes,
                modality=modality,
                location="Room 2" if modality is Modality.IN_PERSON else None,
                video_url=video_url,
                kind=kind,
                expected_ids=expected or [],
            )
            repeat = Repeat(interval, count=count) if count else None
            booked = book_service.book(case, counselor, details, repeat=repeat)
            db.session.commit()
            return [a.id for a in booked]

    return _book


def load(app: Flask, aid: int) -> Appointment:
    """A detached appointment with its expected people and series."""
    with app.app_context():
        item = db.session.scalar(
            sa.select(Appointment)
            .where(Appointment.id == aid)
            .options(selectinload(Appointment.expected), selectinload(Appointment.series))
        )
        db.session.expunge_all()
        return item


#: "Now" in these tests: two weeks before the spring DST change of 2027 (28 March, 03:00 → 04:00).
NOW = datetime.fromisoformat("2027-03-10T09:00:00+00:00")


@pytest.fixture
def clock():
    """The clock stands at ``NOW`` and moves on by itself; ``clock.move_to(...)`` jumps."""
    import time_machine

    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller
