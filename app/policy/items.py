"""The rule for one loaded item of writing: ``may_read`` gives the same answers as the SQL.

Part of the privacy policy (``app.policy`` re-exports ``Facts``, ``facts_of`` and
``may_read``). A page that has the item in hand (the case page, an entry, a review) asks here
instead of running a query; ``tests/security/test_who_sees_what.py`` holds both to one table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Case,
    CaseMember,
    JournalEntry,
    Response,
    ResponseStatus,
    Role,
    User,
    Visibility,
)
from app.policy import confidentiality, safety
from app.policy.levels import reaches_counselor, reaches_partner


@dataclass(frozen=True)
class Facts:
    """What the rule needs to know about one item of writing."""

    case_id: int
    author_id: int
    visibility: Visibility
    sent: bool
    #: When it last reached a new reader (a held author's later shares stay back).
    shared_at: datetime | None = None
    #: The assignment an answer belongs to (its confidentiality depends on it).
    assignment_id: int | None = None


def facts_of(item: JournalEntry | Response) -> Facts:
    """The facts of a loaded entry, or of an answer loaded with its recipient and assignment."""
    sent = item.status is ResponseStatus.SUBMITTED
    if isinstance(item, JournalEntry):
        return Facts(item.case_id, item.author_id, item.visibility, sent, item.shared_at)
    assignment = item.recipient.assignment
    return Facts(
        assignment.case_id,
        item.recipient.user_id,
        item.visibility,
        sent,
        item.updated_at,
        assignment.id,
    )


def may_read(
    viewer: User,
    case: Case,
    item: JournalEntry | Response | Facts,
    *,
    member_ids: Iterable[int] | None = None,
) -> bool:
    """Whether ``viewer`` may read ``item`` on a page of ``case`` (same answers as the SQL).

    ``member_ids`` are the case's current members when the caller has them (for example from
    the case page); otherwise they are read from the loaded case or the database.
    """
    facts = item if isinstance(item, Facts) else facts_of(item)
    if facts.case_id != case.id:
        return False
    if viewer.role is Role.COUNSELOR:
        return case.counselor_id == viewer.id and facts.sent and reaches_counselor(facts.visibility)
    if viewer.role is not Role.CLIENT:
        return False
    if facts.author_id == viewer.id:
        return True
    members = set(member_ids) if member_ids is not None else _current_member_ids(case)
    if not (viewer.id in members and facts.sent and reaches_partner(facts.visibility)):
        return False
    if facts.assignment_id is not None and facts.assignment_id in (
        confidentiality.withheld_assignment_ids(case.id)
    ):
        return False
    return not safety.is_held(case.id, facts.author_id, facts.shared_at)


def _current_member_ids(case: Case) -> set[int]:
    if "members" not in sa.inspect(case).unloaded:
        return {m.user_id for m in case.members if m.erased_at is None}
    return set(
        db.session.scalars(
            sa.select(CaseMember.user_id).where(
                CaseMember.case_id == case.id, CaseMember.erased_at.is_(None)
            )
        )
    )
