"""Erasing a client takes the notifications about their entries and check-ins out of the
counselor's list, read or not (their links would lead nowhere); others' stay."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import CheckIn, JournalEntry, Notification, NotificationState, User
from app.notifications import inbox
from app.services.erasure import erase_client
from tests.notifications_ui.conftest import request_key

ANSWERS = {"satisfaction": "6", "communication": "5", "closeness": "7", "hope": "8"}


def _share_entry(client) -> None:
    response = client.post(
        "/me/journal/new",
        data={
            "title": "Sunday",
            "body": "We walked.",
            "visibility": "counselor",
            "request_key": request_key(),
        },
    )
    assert response.status_code == 302


def _listed(app, user_id: int) -> list[tuple[str, int | None]]:
    with app.app_context():
        user = db.session.get(User, user_id)
        return [(item.kind, item.id) for item in inbox.for_recipient(user)]


def _about(app, user_id: int) -> set[tuple[str | None, int | None]]:
    with app.app_context():
        ids = [item_id for _, item_id in _listed(app, user_id)]
        rows = db.session.scalars(sa.select(Notification).where(Notification.id.in_(ids)))
        return {(n.about_type, n.about_id) for n in rows}


def test_erasure_withdraws_what_the_counselor_was_told_of_the_client(app, couple, login_as):
    alex, sam = login_as(couple.a), login_as(couple.b)
    _share_entry(alex)
    _share_entry(sam)
    data = {**ANSWERS, "request_key": request_key()}
    assert alex.post(f"/me/check-in?case={couple.case.id}", data=data).status_code == 302
    with app.app_context():
        alex_entry = db.session.scalar(
            sa.select(JournalEntry.id).where(JournalEntry.author_id == couple.a.id)
        )
        sam_entry = db.session.scalar(
            sa.select(JournalEntry.id).where(JournalEntry.author_id == couple.b.id)
        )
        check_in = db.session.scalar(sa.select(CheckIn.id))
        # The counselor has already opened one of them: read items are withdrawn too.
        opened = db.session.scalar(
            sa.select(Notification.id).where(
                Notification.recipient_id == couple.counselor.id,
                Notification.about_type == "journal_entry",
                Notification.about_id == alex_entry,
            )
        )
        assert inbox.mark_read(db.session.get(User, couple.counselor.id), [opened]) == 1
        db.session.commit()
    before = _about(app, couple.counselor.id)
    assert {
        ("journal_entry", alex_entry),
        ("journal_entry", sam_entry),
        ("check_in", check_in),
    } <= before

    with app.app_context():
        erase_client(db.session.get(User, couple.a.id))
        db.session.commit()

    assert _about(app, couple.counselor.id) == {("journal_entry", sam_entry)}
    with app.app_context():
        counselor = db.session.get(User, couple.counselor.id)
        assert inbox.unread_count(counselor) == 1
        withdrawn = db.session.scalars(
            sa.select(Notification).where(
                Notification.recipient_id == couple.counselor.id,
                Notification.about_id.in_([alex_entry, check_in]),
                Notification.about_type.in_(["journal_entry", "check_in"]),
            )
        ).all()
        assert withdrawn and all(n.cancelled_at is not None for n in withdrawn)
        assert all(n.state is not NotificationState.PENDING for n in withdrawn)


def test_the_bell_no_longer_counts_the_erased_clients_items(app, couple, login_as):
    _share_entry(login_as(couple.a))
    with app.app_context():
        counselor = db.session.get(User, couple.counselor.id)
        assert inbox.unread_count(counselor) == 1
        erase_client(db.session.get(User, couple.a.id))
        db.session.commit()
        assert inbox.unread_count(db.session.get(User, couple.counselor.id)) == 0
