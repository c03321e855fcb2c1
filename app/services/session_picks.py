"""The journal entries a session discussed, once its note is signed (security issue 19.13).

A signed session stays as it was signed: its picks change only through an amendment, which
says what changed. An entry its author later stops sharing is withheld everywhere (privacy
wins over the record), but the record keeps the fact that an excerpt was there, and since when
it is not. Functions flush; the view commits.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from app import policy
from app.extensions import db
from app.models import (
    Case,
    CounselingSession,
    JournalEntry,
    JournalVisibilityChange,
    NoteAmendment,
    SessionJournalPick,
    SessionNote,
    User,
)
from app.policy import JOURNAL
from app.services import sessions as service


def withdrawn_excerpts(
    counselor: User, case: Case, session: CounselingSession
) -> list[datetime | None]:
    """When each picked entry that its author has since stopped sharing was withdrawn."""
    withdrawn_at = (
        sa.select(sa.func.max(JournalVisibilityChange.changed_at))
        .where(
            JournalVisibilityChange.entry_id == JournalEntry.id,
            policy.left_the_counselor(JournalVisibilityChange.to_visibility),
        )
        .scalar_subquery()
    )
    still_shared = policy.readable_by_counselor(JOURNAL, counselor, case)
    return list(
        db.session.scalars(
            sa.select(withdrawn_at)
            .select_from(JournalEntry)
            .join(SessionJournalPick, SessionJournalPick.entry_id == JournalEntry.id)
            .where(
                SessionJournalPick.session_id == session.id,
                JournalEntry.case_id == session.case_id,
                sa.not_(still_shared),
            )
            .order_by(withdrawn_at)
        )
    )


def amend_picks(
    note: SessionNote,
    case: Case,
    session: CounselingSession,
    author: User,
    body: str,
    entry_ids: list[int],
) -> NoteAmendment:
    """An amendment that also makes the session's still-shared picks exactly ``entry_ids``.

    Withdrawn picks are not offered, so they are kept as they are: should their author share
    them again, they are part of the record again. The amendment names changed entries by
    author and day of sharing, never by title: a title is its author's writing and could be
    withdrawn later, while the amendment stays.
    """
    shared = {e.id: e for e in service.pickable_entries(author, case)}
    wanted = set(entry_ids)
    if not wanted <= set(shared):
        raise service.SessionRuleError("Only entries the partners shared with you can be picked.")
    amendment = service.add_amendment(note, author, body)
    current = set(
        db.session.scalars(
            sa.select(SessionJournalPick.entry_id).where(
                SessionJournalPick.session_id == session.id
            )
        )
    )
    added = sorted(wanted - current)
    removed = sorted((current & set(shared)) - wanted)
    if removed:
        db.session.execute(
            sa.delete(SessionJournalPick).where(
                SessionJournalPick.session_id == session.id,
                SessionJournalPick.entry_id.in_(removed),
            )
        )
    db.session.add_all(SessionJournalPick(session_id=session.id, entry_id=eid) for eid in added)
    change = _describe([shared[i] for i in added], [shared[i] for i in removed])
    if change:
        amendment.body = f"{body.rstrip()}\n\n{change}"
    db.session.flush()
    return amendment


def _describe(added: list[JournalEntry], removed: list[JournalEntry]) -> str:
    def which(entries: list[JournalEntry]) -> str:
        return "; ".join(
            f"{e.author.name}, shared {e.shared_at:%d %b %Y}" if e.shared_at else e.author.name
            for e in entries
        )

    parts = []
    if added:
        parts.append(f"added {len(added)} ({which(added)})")
    if removed:
        parts.append(f"removed {len(removed)} ({which(removed)})")
    return f"Journal entries discussed: {', '.join(parts)}." if parts else ""
