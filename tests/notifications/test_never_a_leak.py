"""Never a leak, never stale: each row asks the policy again right before it is delivered."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.models import (
    Case,
    CaseStatus,
    JournalEntry,
    NotificationState,
    ResponseStatus,
    User,
    Visibility,
    utcnow,
)
from app.notifications import (
    NotificationKind,
    cancel_about,
    for_recipient,
    kinds,
    set_preferences,
    unread_count,
)
from app.policy import notifications as notification_policy
from app.services import journal as journal_service
from tests.notifications.conftest import NOON, everything_in, row, rows_of, tell, to

CANARY = "CANARY-private-7f3a9c"
SHARED = "test.entry_shared"
PARTNER_SHARED = "test.partner_shared"


def _entry_is_readable(n) -> bool:
    recipient = db.session.get(User, n.recipient_id)
    case = db.session.get(Case, n.case_id)
    entry = db.session.get(JournalEntry, n.about_id)
    return notification_policy.may_know_of_writing(recipient, case, entry)


@pytest.fixture(autouse=True)
def entry_kinds(monkeypatch) -> None:
    """Kinds like the journal's own (the real ones live on the features' branches)."""
    for code, audience in ((SHARED, "counselor"), (PARTNER_SHARED, "client")):
        monkeypatch.setitem(
            kinds._kinds,
            code,
            NotificationKind(
                code=code,
                audience=audience,
                title="A journal entry was shared with you",
                link=lambda n: f"/journal/{n.about_id}",
                still_relevant=_entry_is_readable,
            ),
        )


def write(app, author: User, case: Case, text: str, visibility: Visibility) -> int:
    with app.app_context():
        entry = journal_service.new_entry(db.session.get(User, author.id), case.id)
        entry.visibility = visibility
        db.session.add(entry)
        db.session.flush()
        journal_service.submit(
            entry,
            journal_service.EntryInput(
                title=f"About {text}", body=f"I wrote {text}", mood=3, tags=[text]
            ),
        )
        db.session.commit()
        return entry.id


def revoke(app, entry_id: int) -> None:
    with app.app_context():
        journal_service.set_visibility(db.session.get(JournalEntry, entry_id), Visibility.PRIVATE)
        db.session.commit()


def test_sharing_revoked_before_delivery_cancels_the_notification(app, couple, inbox, run_sweep):
    entry_id = write(
        app, couple.a, couple.case, "shared then not", Visibility.COUNSELOR_AND_PARTNER
    )
    later = utcnow() + timedelta(minutes=5)
    for user, kind in ((couple.counselor, SHARED), (couple.b, PARTNER_SHARED)):
        tell(
            app, user, kind=kind, case=couple.case, about=("journal_entry", entry_id), due_at=later
        )
    revoke(app, entry_id)
    with time_machine.travel(later, tick=False):
        run_sweep()
    assert inbox.messages == []
    for user in (couple.counselor, couple.b):
        assert [r.state for r in rows_of(app, user)] == [NotificationState.CANCELLED]
        with app.app_context():
            assert unread_count(user) == 0


def test_a_revoked_entry_leaves_the_counselors_digest(app, couple, inbox, run_sweep):
    with app.app_context():
        set_preferences(
            db.session.get(User, couple.counselor.id), kinds={SHARED: {"timing": "digest"}}
        )
        db.session.commit()
    entry_id = write(app, couple.a, couple.case, "for the digest", Visibility.COUNSELOR)
    tell(app, couple.counselor, kind=SHARED, case=couple.case, about=("journal_entry", entry_id))
    with app.app_context():
        assert unread_count(couple.counselor) == 1  # in-app at once
        cancel_about(("journal_entry", entry_id))  # the journal's hook when sharing is revoked
        journal_service.set_visibility(db.session.get(JournalEntry, entry_id), Visibility.PRIVATE)
        db.session.commit()
        assert unread_count(couple.counselor) == 0  # gone from the list too
    with time_machine.travel(NOON + timedelta(days=1) - timedelta(hours=4), tick=False):
        run_sweep()
    assert inbox.messages == []


def test_a_partner_is_never_told_of_the_others_private_entry(app, couple, inbox):
    entry_id = write(app, couple.a, couple.case, "mine alone", Visibility.PRIVATE)
    notification_id = tell(
        app, couple.b, kind=PARTNER_SHARED, case=couple.case, about=("journal_entry", entry_id)
    )
    assert row(app, notification_id).state is NotificationState.CANCELLED
    assert to(inbox, couple.b) == []
    notification_id = tell(
        app, couple.counselor, kind=SHARED, case=couple.case, about=("journal_entry", entry_id)
    )
    assert row(app, notification_id).state is NotificationState.CANCELLED


def test_a_canary_in_private_writing_reaches_no_email_and_no_one_elses_list(
    app, couple, give, inbox, run_sweep
):
    from datetime import date

    from app.notifications.reminders import scan

    private_id = write(app, couple.a, couple.case, CANARY, Visibility.PRIVATE)
    shared_id = write(
        app, couple.a, couple.case, f"shared {CANARY}", Visibility.COUNSELOR_AND_PARTNER
    )
    give(couple.case, [couple.a, couple.b], due_date=date(2026, 6, 11), note=CANARY)
    with app.app_context():
        scan()
    for about in (private_id, shared_id):
        tell(app, couple.counselor, kind=SHARED, case=couple.case, about=("journal_entry", about))
        tell(app, couple.b, kind=PARTNER_SHARED, case=couple.case, about=("journal_entry", about))
    for hours in (12, 20, 36, 44):  # each reminder at midnight, its e-mail at eight
        with time_machine.travel(NOON + timedelta(hours=hours), tick=False):
            run_sweep()
    mailed = {m["To"] for m in inbox.messages}
    assert {couple.counselor.email, couple.a.email, couple.b.email} <= mailed
    assert len(inbox.messages) >= 6  # shared entry x2, due and overdue x2 partners
    for message in inbox.messages:
        assert CANARY not in everything_in(message)
        assert couple.a.name not in everything_in(message)  # no partner's name either
    with app.test_request_context():
        for user in (couple.counselor, couple.b):
            items = for_recipient(db.session.get(User, user.id))
            assert items and all(CANARY not in f"{i.title} {i.link}" for i in items)
            assert all(i.link != f"/journal/{private_id}" for i in items)


def test_a_closed_case_cancels_what_was_waiting(app, couple, inbox, run_sweep):
    entry_id = write(app, couple.a, couple.case, "before closing", Visibility.COUNSELOR)
    later = utcnow() + timedelta(minutes=5)
    notification_id = tell(
        app,
        couple.counselor,
        kind=SHARED,
        case=couple.case,
        about=("journal_entry", entry_id),
        due_at=later,
    )
    with app.app_context():
        db.session.execute(
            sa.update(Case).where(Case.id == couple.case.id).values(status=CaseStatus.CLOSED)
        )
        db.session.commit()
    with time_machine.travel(later, tick=False):
        run_sweep()
    assert row(app, notification_id).state is NotificationState.CANCELLED
    assert inbox.messages == []


def test_erasure_removes_the_erased_persons_notifications(app, couple, ping, inbox):
    from app.services.erasure import erase_client

    tell(app, couple.a, key="before erasure")
    with app.app_context():
        set_preferences(db.session.get(User, couple.a.id), time_zone="Europe/Helsinki")
        db.session.commit()
        erase_client(db.session.get(User, couple.a.id))
        db.session.commit()
    assert rows_of(app, couple.a) == []
    with app.app_context():
        from app.models import NotificationSettings

        assert db.session.get(NotificationSettings, couple.a.id) is None


def test_a_deactivated_or_erased_recipient_is_told_nothing(app, couple, ping, inbox):
    later = utcnow() + timedelta(minutes=5)
    notification_id = tell(app, couple.a, due_at=later)
    with app.app_context():
        db.session.execute(sa.update(User).where(User.id == couple.a.id).values(active=False))
        db.session.commit()
    from app.notifications.sweep import sweep

    with time_machine.travel(later, tick=False), app.app_context():
        sweep()
    assert row(app, notification_id).state is NotificationState.CANCELLED
    assert inbox.messages == []


def test_the_practice_admin_is_told_about_no_case(app, couple, factory):
    admin = factory.admin()
    with app.app_context():
        assert not notification_policy.may_be_told(
            db.session.get(User, admin.id), db.session.get(Case, couple.case.id)
        )
        assert notification_policy.may_be_told(db.session.get(User, admin.id), None)
        assert ResponseStatus.SUBMITTED  # the entries above are sent, not drafts
