"""Assignment reminders: "due in 24 hours" and "overdue" (once each), found by a periodic scan.

An assignment is due at the end of its due date in the client's time zone. The scan (every 15
minutes) looks at the open assignment copies due from a week ago to two days ahead and
announces both reminders *ahead of time*, with ``due_at`` set to the exact moment: 24 hours
before the due moment, and the due moment itself. The sweep delivers each at its moment, and
``still_relevant`` drops it if the work was sent, the due date moved (the key names the date,
so a new date gets reminders of its own), the assignment was removed or the case closed.

The scan works in batches of ``BATCH`` copies (keyset by id) with a constant number of
statements per batch (one read, one insert, the commit) and commits each batch, so it never
holds a lock a page request would wait for.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app, url_for
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.models import (
    Assignment,
    AssignmentRecipient,
    AssignmentStatus,
    Case,
    CaseStatus,
    Notification,
    NotificationSettings,
    NotificationState,
    User,
    utcnow,
)
from app.notifications.kinds import NotificationKind, register_kind
from app.notifications.preferences import zone_of
from app.policy import notifications as notification_policy

DUE_SOON = "assignment.due_soon"
OVERDUE = "assignment.overdue"
BATCH = 500
LOOK_BACK = timedelta(days=7)
LOOK_AHEAD = timedelta(days=2)
OPEN = (AssignmentStatus.ASSIGNED, AssignmentStatus.IN_PROGRESS)


def _link(n: Notification) -> str:
    return url_for("exercises.assignment", recipient_id=n.about_id)


def _open_and_due_on(n: Notification) -> bool:
    """The copy is still the recipient's, open, and still due on the date the key names."""
    recipient = db.session.get(User, n.recipient_id)
    if not notification_policy.may_know_of_assignment(recipient, n.about_id):
        return False
    row = db.session.execute(
        sa.select(AssignmentRecipient.status, Assignment.due_date)
        .join(Assignment, Assignment.id == AssignmentRecipient.assignment_id)
        .where(AssignmentRecipient.id == n.about_id)
    ).first()
    if row is None or row.status not in OPEN or row.due_date is None:
        return False
    return bool(n.key.rsplit(":", 1)[-1] == row.due_date.isoformat())


register_kind(
    NotificationKind(
        code=DUE_SOON,
        audience="client",
        title="An exercise is due tomorrow",
        label="An exercise is due in 24 hours",
        link=_link,
        still_relevant=_open_and_due_on,
    )
)
register_kind(
    NotificationKind(
        code=OVERDUE,
        audience="client",
        title="An exercise is past its due date",
        label="An exercise is overdue",
        link=_link,
        still_relevant=_open_and_due_on,
    )
)


def due_moment(due: date, zone_name: str | None) -> datetime:
    """The end of the due date in the person's time zone (midnight after it), in UTC."""
    zone = zone_of(zone_name)
    return datetime.combine(due + timedelta(days=1), time(0, 0), tzinfo=zone).astimezone(UTC)


def scan(now: datetime | None = None, *, batch: int = BATCH) -> dict[str, int]:
    """Announce the reminders of the open assignment copies (commits per batch)."""
    now = now or utcnow()
    today = now.date()
    last_id = 0
    batches = announced = 0
    while True:
        rows = db.session.execute(_candidates(today, last_id, batch)).all()
        if not rows:
            break
        last_id = rows[-1].id
        values = [v for row in rows for v in _reminders(row, now)]
        if values:
            announced += _insert(values)
        db.session.commit()
        batches += 1
        if len(rows) < batch:
            break
    return {"batches": batches, "announced": announced}


def _candidates(today: date, after_id: int, batch: int) -> Any:
    return (
        sa.select(
            AssignmentRecipient.id,
            AssignmentRecipient.user_id,
            Assignment.case_id,
            Assignment.due_date,
            Assignment.created_at,
            NotificationSettings.time_zone,
        )
        .join(Assignment, Assignment.id == AssignmentRecipient.assignment_id)
        .join(Case, Case.id == Assignment.case_id)
        .outerjoin(
            NotificationSettings, NotificationSettings.user_id == AssignmentRecipient.user_id
        )
        .where(
            AssignmentRecipient.id > after_id,
            AssignmentRecipient.status.in_(OPEN),
            Assignment.removed_at.is_(None),
            Assignment.due_date.is_not(None),
            Assignment.due_date >= today - LOOK_BACK,
            Assignment.due_date <= today + LOOK_AHEAD,
            Case.status.in_([CaseStatus.INTAKE, CaseStatus.ACTIVE]),
        )
        .order_by(AssignmentRecipient.id)
        .limit(batch)
    )


def _reminders(row: Any, now: datetime) -> list[dict[str, Any]]:
    moment = due_moment(row.due_date, row.time_zone or current_app.config.get("REKINDLE_TIMEZONE"))
    reminders = []
    soon = moment - timedelta(hours=24)
    # Given with less than a day to go: the new-assignment notice said it already.
    if row.created_at <= soon and now < moment:
        reminders.append((DUE_SOON, soon))
    reminders.append((OVERDUE, moment))
    return [
        {
            "key": f"{kind}:{row.id}:{row.due_date.isoformat()}",
            "recipient_id": row.user_id,
            "kind": kind,
            "case_id": row.case_id,
            "about_type": "assignment_recipient",
            "about_id": row.id,
            "state": NotificationState.PENDING,
            "due_at": at,
            "next_attempt_at": at,
            "queued_at": None,  # the sweep queues it at its moment
            "attempts": 0,
            "created_at": now,
        }
        for kind, at in reminders
    ]


def _insert(values: list[dict[str, Any]]) -> int:
    """One statement for the whole batch; keys announced before are left alone."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(Notification)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(Notification.id)
    )
    return len(db.session.execute(statement, values).all())
