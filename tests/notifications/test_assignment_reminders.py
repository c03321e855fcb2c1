"""Assignment reminders: 24 hours before the due date ends, and once when it has passed."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.models import Assignment, AssignmentRecipient, AssignmentStatus, NotificationState, User
from app.notifications import set_preferences, unread_count
from app.notifications.reminders import DUE_SOON, OVERDUE, scan
from tests.notifications.conftest import NOON, rows_of, to

DUE = date(2026, 6, 12)
DUE_MOMENT = datetime(2026, 6, 13, 0, 0, tzinfo=UTC)  # the end of the due date (UTC)
REMINDER = DUE_MOMENT - timedelta(hours=24)


def no_quiet_hours(app, *users: User) -> None:
    with app.app_context():
        for user in users:
            set_preferences(db.session.get(User, user.id), quiet_start=time(0), quiet_end=time(0))
        db.session.commit()


def run_scan(app) -> dict:
    with app.app_context():
        return scan()


def kinds_sent(inbox, app, user: User) -> list[str]:
    sent = [r for r in rows_of(app, user) if r.state is NotificationState.SENT]
    assert len(to(inbox, user)) == len(sent)
    return sorted(r.kind for r in sent)


@pytest.fixture
def given(couple, give):
    return give(couple.case, [couple.a, couple.b], due_date=DUE)


def test_the_due_reminder_fires_exactly_24_hours_before_and_once(
    app, couple, given, inbox, run_sweep
):
    no_quiet_hours(app, couple.a, couple.b)
    run_scan(app)
    run_scan(app)  # a second scan announces nothing new
    with time_machine.travel(REMINDER - timedelta(seconds=1), tick=False):
        run_scan(app)
        run_sweep()
    assert inbox.messages == []
    with app.app_context():
        assert unread_count(couple.a) == 0  # nothing in-app before its time either
    with time_machine.travel(REMINDER, tick=False):
        run_sweep()
        run_scan(app)
        run_sweep()
    with time_machine.travel(REMINDER + timedelta(hours=3), tick=False):
        run_scan(app)
        run_sweep()
    assert kinds_sent(inbox, app, couple.a) == [DUE_SOON]
    assert kinds_sent(inbox, app, couple.b) == [DUE_SOON]
    with app.app_context():
        assert unread_count(couple.a) == 1


def test_the_overdue_reminder_fires_when_the_date_has_passed_once_and_not_for_work_sent(
    app, couple, given, inbox, run_sweep
):
    no_quiet_hours(app, couple.a, couple.b)
    run_scan(app)
    with app.app_context():
        db.session.execute(
            sa.update(AssignmentRecipient)
            .where(AssignmentRecipient.id == given.recipient_b)
            .values(status=AssignmentStatus.SUBMITTED)
        )
        db.session.commit()
    with time_machine.travel(DUE_MOMENT - timedelta(seconds=1), tick=False):
        run_sweep()
    assert kinds_sent(inbox, app, couple.a) == [DUE_SOON]
    for later in (timedelta(0), timedelta(minutes=15), timedelta(days=1), timedelta(days=3)):
        with time_machine.travel(DUE_MOMENT + later, tick=False):
            run_scan(app)
            run_sweep()
    assert kinds_sent(inbox, app, couple.a) == [DUE_SOON, OVERDUE]
    assert kinds_sent(inbox, app, couple.b) == []  # sent before the reminders were due
    cancelled = [r.kind for r in rows_of(app, couple.b) if r.state is NotificationState.CANCELLED]
    assert sorted(cancelled) == [DUE_SOON, OVERDUE]


def test_by_default_a_midnight_reminder_shows_in_app_at_once_and_emails_at_eight(
    app, couple, given, inbox, run_sweep
):
    run_scan(app)
    with time_machine.travel(REMINDER, tick=False):
        run_sweep()
    with app.app_context():
        assert unread_count(couple.a) == 1
    assert inbox.messages == []
    with time_machine.travel(REMINDER + timedelta(hours=8), tick=False):
        run_sweep()
    assert kinds_sent(inbox, app, couple.a) == [DUE_SOON]


def test_a_moved_due_date_cancels_the_old_reminders_and_gets_its_own(
    app, couple, given, inbox, run_sweep
):
    no_quiet_hours(app, couple.a, couple.b)
    run_scan(app)
    with app.app_context():
        db.session.execute(
            sa.update(Assignment)
            .where(Assignment.id == given.assignment_id)
            .values(due_date=DUE + timedelta(days=1))
        )
        db.session.commit()
    with time_machine.travel(REMINDER, tick=False):
        run_scan(app)
        run_sweep()
    assert inbox.messages == []
    with time_machine.travel(REMINDER + timedelta(days=1), tick=False):
        run_scan(app)
        run_sweep()
    assert kinds_sent(inbox, app, couple.a) == [DUE_SOON]


def test_the_reminders_follow_the_clients_time_zone(app, couple, give, inbox, run_sweep):
    with app.app_context():
        set_preferences(
            db.session.get(User, couple.a.id),
            time_zone="America/New_York",
            quiet_start=time(0),
            quiet_end=time(0),
        )
        db.session.commit()
    give(couple.case, [couple.a], due_date=DUE)
    run_scan(app)
    # The end of 12 June in New York (summer time, UTC-4) is 04:00 UTC on the 13th.
    local_reminder = datetime(2026, 6, 12, 4, 0, tzinfo=UTC)
    with time_machine.travel(local_reminder - timedelta(seconds=1), tick=False):
        run_sweep()
    assert inbox.messages == []
    with time_machine.travel(local_reminder, tick=False):
        run_sweep()
    assert kinds_sent(inbox, app, couple.a) == [DUE_SOON]


def test_work_given_with_less_than_a_day_to_go_gets_no_due_reminder(app, couple, give, inbox):
    with time_machine.travel(REMINDER + timedelta(hours=2), tick=False):
        give(couple.case, [couple.a], due_date=DUE)
        run_scan(app)
    assert [r.kind for r in rows_of(app, couple.a)] == [OVERDUE]


def test_a_removed_assignment_or_a_closed_case_sends_no_reminder(
    app, couple, given, inbox, run_sweep
):
    from app.models import Case, CaseStatus

    no_quiet_hours(app, couple.a, couple.b)
    run_scan(app)
    with app.app_context():
        db.session.execute(
            sa.update(Case).where(Case.id == couple.case.id).values(status=CaseStatus.CLOSED)
        )
        db.session.commit()
    with time_machine.travel(DUE_MOMENT + timedelta(hours=1), tick=False):
        run_sweep()
    assert inbox.messages == []
    assert {r.state for r in rows_of(app, couple.a)} == {NotificationState.CANCELLED}
    assert NOON < REMINDER
