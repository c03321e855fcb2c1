"""The journal's sections on the case page (counselor) and on the client's home."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask_login import current_user

from app.extensions import db
from app.journal.chart import mood_chart
from app.models import (
    Case,
    CaseMember,
    JournalComment,
    JournalEntry,
    JournalRead,
    ResponseStatus,
    User,
    Visibility,
    utcnow,
)
from app.sections import CASE_PAGE, CLIENT_HOME, case_members
from app.services.journal import SHARED, mood_points

ENTRIES_PER_PARTNER = 8


@CASE_PAGE.section(order=30, template="cases/_journal.html")
def case_journal_section(case: Case) -> dict[str, Any] | None:
    """Each partner's shared entries (newest first, unread marked) and their mood trend.

    Three statements whatever the number of entries: latest entries per partner (a window
    function), shared and unread counts, mood points; members come with the case.
    """
    members = [(m.user_id, m.role, m.user.name) for m in case_members(case)]
    if not members:
        return None
    read = sa.exists().where(
        JournalRead.entry_id == JournalEntry.id, JournalRead.reader_id == current_user.id
    )
    shared = (
        JournalEntry.case_id == case.id,
        JournalEntry.visibility.in_(SHARED),
        JournalEntry.status == ResponseStatus.SUBMITTED,
    )
    rank = (
        sa.func.row_number()
        .over(
            partition_by=JournalEntry.author_id,
            order_by=(JournalEntry.shared_at.desc(), JournalEntry.id.desc()),
        )
        .label("rank")
    )
    latest = sa.select(JournalEntry.id, rank).where(*shared).subquery()
    rows = db.session.execute(
        sa.select(JournalEntry, read.label("is_read"))
        .join(latest, latest.c.id == JournalEntry.id)
        .where(latest.c.rank <= ENTRIES_PER_PARTNER)
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
            .where(*shared)
            .group_by(JournalEntry.author_id)
        )
    }
    points = mood_points([user_id for user_id, _, _ in members], shared_only=True, case_id=case.id)
    partners = []
    for user_id, role, name in members:
        partners.append(
            {
                "user_id": user_id,
                "name": name,
                "role": role,
                "entries": [(e, is_read) for e, is_read in rows if e.author_id == user_id],
                "total": counts.get(user_id, (0, 0))[0],
                "unread": counts.get(user_id, (0, 0))[1],
                "chart": mood_chart(
                    f"mood-case-{case.id}-{user_id}",
                    f"{name}: mood in shared entries",
                    [(t, m) for author, t, m in points if author == user_id],
                ),
            }
        )
    return {"case": case, "partners": partners}


@CLIENT_HOME.section(order=30, template="client/_journal_next.html")
def client_journal_section(user: User, memberships: list[CaseMember]) -> dict[str, Any] | None:
    """The client's journal at a glance: last entry, drafts, new comments, partner's shares."""
    if not memberships:
        return None
    case_ids = [m.case_id for m in memberships]
    is_draft = JournalEntry.status == ResponseStatus.DRAFT
    drafts, last_at = db.session.execute(
        sa.select(
            sa.func.count(JournalEntry.id).filter(is_draft),
            sa.func.max(JournalEntry.created_at).filter(~is_draft),
        ).where(JournalEntry.author_id == user.id)
    ).one()
    since = utcnow() - timedelta(days=14)
    new_comments = db.session.scalar(
        sa.select(sa.func.count(JournalComment.id))
        .join(JournalEntry, JournalEntry.id == JournalComment.entry_id)
        .where(JournalEntry.author_id == user.id, JournalComment.created_at >= since)
    )
    partner_shared = db.session.scalar(
        sa.select(sa.func.count(JournalEntry.id)).where(
            JournalEntry.case_id.in_(case_ids),
            JournalEntry.author_id != user.id,
            JournalEntry.visibility == Visibility.COUNSELOR_AND_PARTNER,
            JournalEntry.status == ResponseStatus.SUBMITTED,
            JournalEntry.shared_at >= since,
        )
    )
    return {
        "drafts": drafts or 0,
        "last_at": last_at,
        "new_comments": new_comments or 0,
        "partner_shared": partner_shared or 0,
    }
