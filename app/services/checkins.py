"""Check-ins: each partner's four 0–10 answers before a session, and their trends."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db
from app.models import CaseMember, CheckIn
from app.services import announcements
from app.services.combined_read import Part, read
from app.services.concurrency import create_once


@dataclass(frozen=True)
class CheckInItem:
    """One question of the check-in."""

    key: str
    question: str
    low: str
    high: str
    short: str


#: Our own wording; kept warm and neutral, about the relationship rather than the partner.
ITEMS = [
    CheckInItem(
        "satisfaction",
        "Overall, how are things between the two of you this week?",
        "Really hard",
        "Really good",
        "Satisfaction",
    ),
    CheckInItem(
        "communication",
        "How well have you been able to talk and listen to each other?",
        "Not at all",
        "Very well",
        "Communication",
    ),
    CheckInItem(
        "closeness",
        "How close and connected have you felt?",
        "Far apart",
        "Very close",
        "Closeness",
    ),
    CheckInItem(
        "hope",
        "How hopeful do you feel about your relationship right now?",
        "Not hopeful",
        "Very hopeful",
        "Hope",
    ),
]
ITEM_KEYS = [item.key for item in ITEMS]


def record_check_in(
    member: CaseMember, values: dict[str, int], request_key: str | None
) -> tuple[CheckIn, bool]:
    """Store one check-in for the member's case (once per form)."""
    for key in ITEM_KEYS:
        if not 0 <= int(values[key]) <= 10:
            raise ValueError(f"{key} must be between 0 and 10")
    check_in, created = create_once(
        CheckIn,
        request_key,
        lambda: CheckIn(
            case_id=member.case_id,
            user_id=member.user_id,
            **{key: int(values[key]) for key in ITEM_KEYS},
        ),
    )
    if created:
        announcements.check_in_recorded(check_in)
    return check_in, created


def latest_check_in(case_id: int, user_id: int) -> CheckIn | None:
    """The member's most recent check-in in the case."""
    return db.session.scalar(
        sa.select(CheckIn)
        .where(CheckIn.case_id == case_id, CheckIn.user_id == user_id)
        .order_by(CheckIn.created_at.desc(), CheckIn.id.desc())
        .limit(1)
    )


def check_ins_part(case_id: int, limit: int = 26) -> Part:
    """The case's latest check-ins (``check_ins_by_user``'s read), for a combined read."""
    return Part(
        (CheckIn,),
        CheckIn.case_id == case_id,
        order_by=(CheckIn.created_at.desc(), CheckIn.id.desc()),
        limit=limit * 4,
    )


def check_ins_by_user_from(rows: Iterable[CheckIn], limit: int = 26) -> dict[int, list[CheckIn]]:
    """Each member's latest ``limit`` check-ins, oldest first, from newest-first rows."""
    grouped: dict[int, list[CheckIn]] = {}
    for row in rows:
        grouped.setdefault(row.user_id, [])
        if len(grouped[row.user_id]) < limit:
            grouped[row.user_id].append(row)
    return {uid: list(reversed(items)) for uid, items in grouped.items()}


def check_ins_by_user(case_id: int, limit: int = 26) -> dict[int, list[CheckIn]]:
    """Each member's latest ``limit`` check-ins in the case, oldest first, in one query."""
    found = read({"c": check_ins_part(case_id, limit)})
    return check_ins_by_user_from(found.first("c"), limit)
