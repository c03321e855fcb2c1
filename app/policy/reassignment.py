"""What a counselor may know about a case that moved to another counselor.

A reassignment leaves a trail (issue ux-pass, item 10): the case history names it (who,
when, from whom to whom) for whoever holds the case now, and a former counselor who opens
the case finds a clear page that it moved and when, instead of a bare "not found". That page
tells them nothing they did not know: not the new counselor, not the label (it may have
changed), nothing of the case's content. Everything is read from the audit trail's
``case.reassigned`` events, whose detail is "counselor <old id>-><new id>".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from app import audit
from app.extensions import db
from app.models import AuditEvent, Case, Role, User
from app.services.combined_read import Part, read

_DETAIL = re.compile(r"counselor (\d+)->(\d+)")


@dataclass(frozen=True)
class Move:
    """One reassignment of a case."""

    at: datetime
    by_id: int | None
    from_id: int
    to_id: int


def moves_part(case_id: int) -> Part:
    """The case's ``case.reassigned`` events, oldest first, as a part of a combined read."""
    return Part(
        (AuditEvent,),
        sa.and_(
            AuditEvent.action == "case.reassigned",
            audit.about_case(case_id),
            AuditEvent.outcome == "ok",
        ),
        order_by=(AuditEvent.id,),
    )


def moves_from(events: list[AuditEvent]) -> list[Move]:
    """The reassignments ``moves_part`` read."""
    moves = []
    for event in events:
        match = _DETAIL.fullmatch(event.detail or "")
        if match:
            moves.append(Move(event.at, event.actor_id, int(match.group(1)), int(match.group(2))))
    return moves


def moves_of(case_id: int) -> list[Move]:
    """Every reassignment of the case, oldest first."""
    return moves_from(read({"moves": moves_part(case_id)}).first("moves"))


def history_for(viewer: User, case: Case, moves: list[Move] | None = None) -> list[Move]:
    """The reassignments the case page shows: to the counselor who holds the case only.

    ``moves``: the case's moves when the page read them already (``moves_part``).
    """
    if viewer.role is not Role.COUNSELOR or case.counselor_id != viewer.id:
        return []
    return moves_of(case.id) if moves is None else moves


def moved_away_on(viewer: User, case_id: int) -> datetime | None:
    """When the case last moved away from ``viewer``, if they held it and no longer do."""
    if viewer.role is not Role.COUNSELOR:
        return None
    holder = db.session.scalar(sa.select(Case.counselor_id).where(Case.id == case_id))
    if holder is None or holder == viewer.id:
        return None
    away = [m.at for m in moves_of(case_id) if m.from_id == viewer.id]
    return away[-1] if away else None


def holds_since(case: Case) -> datetime:
    """Since when the case's counselor has it: their last reassignment, or its creation."""
    moves = [m.at for m in moves_of(case.id) if m.to_id == case.counselor_id]
    return moves[-1] if moves else case.created_at
