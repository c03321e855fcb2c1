"""What the case page and the client's home show of the journal: counts, latest entries, moods.

Each read asks ``app.policy`` what the viewer may read, in the case the page is about.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from app import policy
from app.extensions import db
from app.models import (
    Case,
    JournalComment,
    JournalEntry,
    JournalRead,
    ResponseStatus,
    User,
    utcnow,
)
from app.policy import EVERY_CASE, JOURNAL
from app.services.journal import mood_points

RECENT_DAYS = 14


@dataclass
class CaseJournal:
    """The entries shared with the counselor in one case, per author."""

    latest: list[tuple[JournalEntry, bool]]  # (entry, read by the viewer), newest share first
    counts: dict[int, tuple[int, int]]  # author id → (shared, unread)
    moods: list[tuple[int, datetime, int]]  # (author id, written at, mood)


def case_journal(
    viewer: User, case: Case, author_ids: Sequence[int], per_author: int
) -> CaseJournal:
    """The latest ``per_author`` shared entries of each author, their counts and moods.

    Three statements whatever the number of entries: latest entries per author (a window
    function), shared and unread counts, mood points.
    """
    read = sa.exists().where(
        JournalRead.entry_id == JournalEntry.id, JournalRead.reader_id == viewer.id
    )
    readable = policy.readable_by_counselor(JOURNAL, viewer, case)
    rank = (
        sa.func.row_number()
        .over(
            partition_by=JournalEntry.author_id,
            order_by=(JournalEntry.shared_at.desc(), JournalEntry.id.desc()),
        )
        .label("rank")
    )
    latest = sa.select(JournalEntry.id, rank).where(readable).subquery()
    rows = db.session.execute(
        sa.select(JournalEntry, read.label("is_read"))
        .join(latest, latest.c.id == JournalEntry.id)
        .where(latest.c.rank <= per_author)
        .order_by(JournalEntry.shared_at.desc(), JournalEntry.id.desc())
    ).all()
    counts = {
        author: (total, unread)
        for author, total, unread in db.session.execute(
            sa.select(
                JournalEntry.author_id,
                sa.func.count(JournalEntry.id),
                sa.func.count(JournalEntry.id).filter(~read),
            )
            .where(readable)
            .group_by(JournalEntry.author_id)
        )
    }
    return CaseJournal(
        latest=[(entry, bool(is_read)) for entry, is_read in rows],
        counts=counts,
        moods=[(a, t, m) for a, t, m in mood_points(viewer, case, author_ids)],
    )


@dataclass
class HomeJournal:
    """The client's journal at a glance."""

    drafts: int
    last_at: datetime | None
    new_comments: int
    partner_shared: int


def home_journal(viewer: User, case_ids: Sequence[int]) -> HomeJournal:
    """Drafts, last saved entry, recent comments on own entries, recent shares of the partner."""
    own = policy.readable_by_author(JOURNAL, viewer, EVERY_CASE)
    is_draft = JournalEntry.status == ResponseStatus.DRAFT
    drafts, last_at = db.session.execute(
        sa.select(
            sa.func.count(JournalEntry.id).filter(is_draft),
            sa.func.max(JournalEntry.created_at).filter(~is_draft),
        ).where(own)
    ).one()
    since = utcnow() - timedelta(days=RECENT_DAYS)
    new_comments = db.session.scalar(
        sa.select(sa.func.count(JournalComment.id))
        .join(JournalEntry, JournalEntry.id == JournalComment.entry_id)
        .where(own, JournalComment.created_at >= since)
    )
    partner_shared = db.session.scalar(
        sa.select(sa.func.count(JournalEntry.id)).where(
            policy.readable_by_partner(JOURNAL, viewer, list(case_ids)),
            JournalEntry.shared_at >= since,
        )
    )
    return HomeJournal(drafts or 0, last_at, new_comments or 0, partner_shared or 0)
