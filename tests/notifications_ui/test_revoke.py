"""docs/security.md NT-1: taking writing back before a notification about it is delivered cancels it.

Two ways, both tested: the service cancels what is waiting when the writing is made private
again (so the counselor's list drops it at once), and delivery asks the policy again
(``still_relevant``) for a change that reached the database some other way.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.models import JournalEntry, NotificationState, Response, User, Visibility
from app.notifications import set_preferences
from app.notifications.tasks import sweep_notifications
from tests.modules.helpers import send
from tests.notifications_ui.conftest import outbox, request_key

EVENING = datetime(2026, 12, 2, 22, 0, tzinfo=UTC)  # in the default quiet hours (UTC)
MORNING = EVENING + timedelta(hours=11)


@pytest.fixture
def app_config(inbox) -> dict:
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": inbox.port}


def _share_entry(app, client) -> int:
    client.post(
        "/me/journal/new",
        data={
            "title": "t",
            "body": "b",
            "visibility": "counselor",
            "request_key": request_key(),
        },
    )
    with app.app_context():
        return db.session.scalar(sa.select(JournalEntry.id).order_by(JournalEntry.id.desc()))


def _immediately(app, user, code: str) -> None:
    with app.app_context():
        set_preferences(db.session.get(User, user.id), kinds={code: {"timing": "immediate"}})
        db.session.commit()


@pytest.mark.parametrize("timing", ["digest", "immediate"])
def test_revoking_an_entry_cancels_the_waiting_notification(app, couple, login_as, inbox, timing):
    if timing == "immediate":
        _immediately(app, couple.counselor, "journal.shared")
    with time_machine.travel(EVENING, tick=True):
        alex, lee = login_as(couple.a), login_as(couple.counselor)
        entry_id = _share_entry(app, alex)
        [row] = outbox(app, kind="journal.shared")
        # Waiting: for the digest, or for the end of quiet hours; shown in-app already.
        assert row.state in (NotificationState.DIGEST, NotificationState.PENDING)
        assert "A client shared a journal entry" in lee.get("/notifications").get_data(as_text=True)
        assert alex.post(f"/me/journal/{entry_id}/visibility", data={"visibility": "private"})
        [row] = outbox(app, kind="journal.shared")
        assert row.state is NotificationState.CANCELLED
        page = lee.get("/notifications").get_data(as_text=True)
        assert "A client shared a journal entry" not in page
    with time_machine.travel(MORNING + timedelta(days=1), tick=True), app.app_context():
        sweep_notifications.wrapper().call_local()
    assert inbox.messages == []


def test_delivery_asks_the_policy_again(app, couple, give, login_as, inbox):
    """An answer made private behind the service's back: the morning delivery cancels it."""
    given = give(couple.case, [couple.a])
    with time_machine.travel(EVENING, tick=True):
        alex = login_as(couple.a)
        send(alex, given.recipient_a, given.exercise_ids[0], {"text": "x"})
        [row] = outbox(app, kind="assignments.answer_sent")
        assert row.state is NotificationState.PENDING  # quiet hours: the e-mail waits
        with app.app_context():
            db.session.execute(sa.update(Response).values(visibility=Visibility.PRIVATE))
            db.session.commit()
    with time_machine.travel(MORNING, tick=True), app.app_context():
        sweep_notifications.wrapper().call_local()
    [row] = outbox(app, kind="assignments.answer_sent")
    assert row.state is NotificationState.CANCELLED
    assert [m["To"] for m in inbox.messages] == [couple.a.email]  # only the assignment's


def test_the_answer_taken_back_leaves_the_counselors_list(app, couple, give, login_as):
    given = give(couple.case, [couple.a])
    alex, lee = login_as(couple.a), login_as(couple.counselor)
    exercise = given.exercise_ids[0]
    send(alex, given.recipient_a, exercise, {"text": "x"})
    assert "sent you an exercise answer" in lee.get("/notifications").get_data(as_text=True)
    alex.post(
        f"/me/exercises/{given.recipient_a}/{exercise}/sharing", data={"visibility": "private"}
    )
    assert "sent you an exercise answer" not in lee.get("/notifications").get_data(as_text=True)
    assert "none unread" in lee.get("/notifications").get_data(as_text=True)
