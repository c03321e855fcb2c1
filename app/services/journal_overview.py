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

RECENT_DAYS = 14


@dataclass
class CaseJournal:
    """The entries shared with the counselor in one case, per author."""

    latest: list[tuple[JournalEntry, bool]]  # (entry, read by the viewer), newest share first
    counts: dict[int, tuple[int, int]]  # author id → (shared, unread)
    moods: list[tuple[int, datetime, int]]  # (author id, written at, mood)


def case_journal(
    viewer: User, case: Case, author_ids: Sequence[int], per_author: int, *, mood_days: int = 180
) -> CaseJournal:
    """The latest ``per_author`` shared entries of each author, their counts and moods.

    One statement whatever the number of entries (the case page's budget, docs/performance.md
    T1): window functions rank each author's shares and count them (all, and unread by the
    viewer) over every row the policy lets the viewer read, and the rows returned are the
    latest ``per_author`` of each author plus those that are points of the mood chart (the
    same points as ``app.services.journal.mood_points``). An author with no row shared nothing.
    """
    read = sa.exists().where(
        JournalRead.entry_id == JournalEntry.id, JournalRead.reader_id == viewer.id
    )
    author = JournalEntry.author_id
    shared = (
        sa.select(
            JournalEntry.id,
            sa.func.row_number()
            .over(
                partition_by=author,
                order_by=(JournalEntry.shared_at.desc(), JournalEntry.id.desc()),
            )
            .label("rank"),
            sa.func.count(JournalEntry.id).over(partition_by=author).label("total"),
            sa.func.sum(sa.case((read, 0), else_=1)).over(partition_by=author).label("unread"),
            sa.case((read, 1), else_=0).label("is_read"),
            sa.case(
                (
                    sa.and_(
                        JournalEntry.author_id.in_(author_ids),
                        JournalEntry.status == ResponseStatus.SUBMITTED,
                        JournalEntry.mood_ct.is_not(None),
                        JournalEntry.created_at >= utcnow() - timedelta(days=mood_days),
                    ),
                    1,
                ),
                else_=0,
            ).label("mood_point"),
        )
        .where(policy.readable_by_counselor(JOURNAL, viewer, case))
        .subquery()
    )
    rows = db.session.execute(
        sa.select(JournalEntry, shared.c.rank, shared.c.total, shared.c.unread)
        .add_columns(shared.c.is_read, shared.c.mood_point)
        .join(shared, shared.c.id == JournalEntry.id)
        .where(sa.or_(shared.c.rank <= per_author, shared.c.mood_point == 1))
        .order_by(JournalEntry.shared_at.desc(), JournalEntry.id.desc())
    ).all()
    counts = {entry.author_id: (int(total), int(unread)) for entry, _, total, unread, _, _ in rows}
    points = sorted(
        (entry for entry, _, _, _, _, mood_point in rows if mood_point),
        key=lambda entry: (entry.created_at, entry.id),
    )
    return CaseJournal(
        latest=[
            (entry, bool(is_read)) for entry, rank, _, _, is_read, _ in rows if rank <= per_author
        ],
        counts=counts,
        moods=[(entry.author_id, entry.created_at, entry.mood) for entry in points],
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
