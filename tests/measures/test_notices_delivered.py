"""The outbox delivers the measures' notices after asking the policy again."""

import sqlalchemy as sa

from app.extensions import db
from app.models import MeasureCadence, Notification, NotificationState, utcnow
from app.notifications.delivery import deliver_batch
from tests.measures.conftest import positions_for


def _state(app, kind: str, user_id: int) -> NotificationState:
    with app.app_context():
        return db.session.scalar(
            sa.select(Notification.state).where(
                Notification.kind == kind, Notification.recipient_id == user_id
            )
        )


def _deliver_all(app) -> None:
    with app.app_context():
        ids = list(db.session.scalars(sa.select(Notification.id)))
        deliver_batch(ids)


def test_a_due_notice_answered_before_delivery_is_cancelled(
    app, couple, schedule_measure, login_as, answer
):
    schedule = schedule_measure(couple, "GAD-7", who=str(couple.a.id), cadence=MeasureCadence.ONCE)
    # Tests deliver at once (immediate queue); pretend it waited, then ask again. Due now: at
    # night the first delivery met the recipient's quiet hours and set the next attempt to
    # the morning, so the test failed from 21:00 to 08:00.
    with app.app_context():
        db.session.execute(
            sa.update(Notification).values(
                state=NotificationState.PENDING,
                sent_at=None,
                shown_at=None,
                next_attempt_at=utcnow(),
            )
        )
        db.session.commit()
    answer(login_as(couple.a), schedule, positions_for("GAD-7", 3))
    _deliver_all(app)
    assert _state(app, "measure.due", couple.a.id) is NotificationState.CANCELLED


def test_the_safety_notice_is_delivered(app, couple, schedule_measure, login_as, answer):
    schedule = schedule_measure(couple, "PHQ-9", who=str(couple.a.id), cadence=MeasureCadence.ONCE)
    values = positions_for("PHQ-9", 0)
    values["phq9_9"] = "2"
    answer(login_as(couple.a), schedule, values)
    _deliver_all(app)
    assert _state(app, "measure.safety_flag", couple.counselor.id) in (
        NotificationState.SENT,
        NotificationState.PENDING,  # e-mail not configured: shown in-app, nothing to send
    )
    with app.app_context():
        row = db.session.scalar(
            sa.select(Notification).where(Notification.kind == "measure.safety_flag")
        )
        assert row.cancelled_at is None and row.dead_at is None
