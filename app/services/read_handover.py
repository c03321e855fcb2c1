"""What the new counselor of a reassigned case has already read (issue ux-pass, item 10).

A case handed over is a case whose history the new counselor takes on, usually with a
handover conversation: the shared journal entries the former counselor had read are not news to
the practice, and flagging them all as unread buries what *is* new. So by default the
reassignment carries the former counselor's journal read markers over to the new one, in the
same transaction as the move.

Message read markers are *not* carried: they are also the receipts clients see ("Read by Dr.
Reyes"), and a copied marker would tell a client that someone read a message they never opened.
The new counselor's threads show as unread until they open them, which is true. A practice that wants the new counselor to read everything
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
from app.models import JournalEntry, JournalRead, utcnow


def starts_unread() -> bool:
    """The practice's choice: reassigned cases start with everything unread."""
    return bool(current_app.config.get("REKINDLE_REASSIGNED_CASES_START_UNREAD", False))


def carry_over(case_id: int, former_id: int, new_id: int) -> None:
    """Give ``new_id`` the read markers ``former_id`` holds in the case (never moving one back).

    Set-based: the same statements whatever the case's size.
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
    db.session.flush()
