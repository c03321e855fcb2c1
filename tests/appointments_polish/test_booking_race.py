"""RE-4 for the appointment book: two identical booking submissions make one booking.

The second copy of a submission passes the "already booked?" check before the first has
committed; the unique request key then decides, and the loser gets the winner's booking back
instead of a 500. Once forced (the other copy commits in the middle of this one), once on real
threads meeting at a barrier.
"""

from __future__ import annotations

import secrets
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Appointment,
    AppointmentSeries,
    Case,
    Modality,
    Notification,
    SessionKind,
    User,
)
from app.services import appointments as book_service
from app.services.recurrence import Repeat
from tests.appointments.conftest import ZONE


def _details(when: datetime) -> book_service.Details:
    return book_service.Details(
        local_start=when,
        timezone=ZONE,
        duration_minutes=50,
        modality=Modality.IN_PERSON,
        location="Room 2",
        video_url=None,
        kind=SessionKind.JOINT,
        expected_ids=[],
    )


def _submit(app, case_id: int, counselor_id: int, key: str, repeat: Repeat | None) -> list[int]:
    with app.app_context():
        try:
            booked = book_service.book(
                db.session.get(Case, case_id),
                db.session.get(User, counselor_id),
                _details(datetime(2027, 3, 16, 18, 0)),
                repeat=repeat,
                request_key=key,
            )
            db.session.commit()
            return [a.id for a in booked]
        finally:
            db.session.remove()


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.mark.parametrize("repeat", [None, Repeat(1, count=4)], ids=["single", "series"])
def test_a_copy_that_missed_the_first_commit_gives_back_the_first_booking(
    app, couple, clock, monkeypatch, repeat
):
    case, _a, _b, counselor = couple
    key = secrets.token_urlsafe(16)
    first = _submit(app, case.id, counselor.id, key, repeat)
    # The second copy looked for the key before the first copy committed: it finds nothing.
    real_lookup = book_service._booked_with
    looked: list[str] = []

    def too_early_then_real(request_key: str):
        looked.append(request_key)
        return None if len(looked) == 1 else real_lookup(request_key)

    monkeypatch.setattr(book_service, "_booked_with", too_early_then_real)
    second = _submit(app, case.id, counselor.id, key, repeat)
    assert len(looked) == 2, "the unique key stopped the second copy, which read the first"
    assert second == first[:1]
    assert _count(app, Appointment) == (4 if repeat else 1)
    with app.app_context():
        notices = db.session.scalars(
            sa.select(Notification.kind).where(Notification.kind.like("appointment.%booked"))
        ).all()
        series_rows = db.session.scalar(sa.select(sa.func.count()).select_from(AppointmentSeries))
    # One notice of the booking per partner, not one per copy; no orphan series row.
    assert len(notices) == 2
    assert series_rows == (1 if repeat else 0)


def test_pairs_racing_on_threads_book_once_each(app, couple, clock):
    case, _a, _b, counselor = couple
    keys = [secrets.token_urlsafe(16) for _ in range(10)]
    barriers = {key: threading.Barrier(2) for key in keys}
    errors: list[Exception] = []
    results: dict[str, list[list[int]]] = {key: [] for key in keys}

    def submit(key: str) -> None:
        try:
            barriers[key].wait(timeout=30)
            results[key].append(_submit(app, case.id, counselor.id, key, None))
        except Exception as exc:  # noqa: BLE001 - collected and asserted
            errors.append(exc)

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(submit, [k for pair in zip(keys, keys, strict=True) for k in pair]))
    assert errors == []
    assert all(first == second for first, second in results.values())
    assert _count(app, Appointment) == len(keys)
