"""What the new counselor of a reassigned case has already read (issue ux-pass, item 10).

A case handed over is a case whose history the new counselor takes on, usually with a
handover conversation: the shared journal entries and messages the former counselor had read
are not news to the practice, and flagging them all as unread buries what *is* new. So by
default the reassignment carries the former counselor's read markers over to the new one, in
the same transaction as the move. A practice that wants the new counselor to read everything
afresh sets ``REKINDLE_REASSIGNED_CASES_START_UNREAD``; then nothing is carried.

The former counselor's markers are left as they are (their history stays), but they reach
nothing any more: every unread count and marker is read for the case's current counselor, and
the former one no longer reaches the case. Copying a marker grants no access either: what the
new counselor may read is still decided by ``app.policy`` alone.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.models import JournalEntry, JournalRead, MessageRead, MessageThread, utcnow


def starts_unread() -> bool:
    """The practice's choice: reassigned cases start with everything unread."""
    return bool(current_app.config.get("REKINDLE_REASSIGNED_CASES_START_UNREAD", False))


def carry_over(case_id: int, former_id: int, new_id: int) -> None:
    """Give ``new_id`` the read markers ``former_id`` holds in the case (never moving one back).

    Three statements for journal entries (set-based, whatever the case's size) and two plus
    one per thread for messages (a case has at most three threads).
    """
    if starts_unread() or former_id == new_id:
        return
    already = sa.select(JournalRead.entry_id).where(JournalRead.reader_id == new_id)
    # The marker says when it was carried over, not when the former counselor read the entry:
    # the new counselor did not read it then.
    now = utcnow()
    carried = (
        sa.select(
            JournalRead.entry_id, sa.literal(new_id), sa.literal(now, JournalRead.read_at.type)
        )
        .join(JournalEntry, JournalEntry.id == JournalRead.entry_id)
        .where(
            JournalEntry.case_id == case_id,
            JournalRead.reader_id == former_id,
            JournalRead.entry_id.not_in(already),
        )
    )
    db.session.execute(
        sa.insert(JournalRead).from_select(["entry_id", "reader_id", "read_at"], carried)
    )
    markers = db.session.execute(
        sa.select(MessageRead.thread_id, MessageRead.user_id, MessageRead.last_read_id)
        .join(MessageThread, MessageThread.id == MessageRead.thread_id)
        .where(MessageThread.case_id == case_id, MessageRead.user_id.in_([former_id, new_id]))
    ).all()
    former = {thread: up_to for thread, user, up_to in markers if user == former_id}
    new = {thread: up_to for thread, user, up_to in markers if user == new_id}
    for thread_id, up_to in former.items():
        if thread_id not in new:
            db.session.add(MessageRead(thread_id=thread_id, user_id=new_id, last_read_id=up_to))
        elif new[thread_id] < up_to:
            db.session.execute(
                sa.update(MessageRead)
                .where(MessageRead.thread_id == thread_id, MessageRead.user_id == new_id)
                .values(last_read_id=up_to)
            )
    db.session.flush()
