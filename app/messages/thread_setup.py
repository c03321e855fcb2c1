"""A case's threads, and the memberships they are read with.

Which threads a case has (a couple's joint one, one private thread per client), creating the
missing ones once even when two requests race, and loading the cases' members with their
accounts in one statement. ``app.messages.services`` builds what a viewer sees on these.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Case, CaseKind, CaseMember, MessageThread, ThreadKind, User, thread_slot


def wanted_slots(case: Case, members: list[CaseMember]) -> list[tuple[ThreadKind, int | None]]:
    """The threads a case has: a couple's joint one, and one private thread per client."""
    slots: list[tuple[ThreadKind, int | None]] = []
    if case.kind is CaseKind.COUPLE:
        slots.append((ThreadKind.JOINT, None))
    slots += [(ThreadKind.PRIVATE, m.user_id) for m in members if m.erased_at is None]
    return slots


def missing_threads(
    cases: list[tuple[Case, list[CaseMember]]],
) -> list[tuple[Case, ThreadKind, int | None]]:
    """The threads of these cases that do not exist yet (one statement)."""
    if not cases:
        return []
    existing = set(
        db.session.execute(
            sa.select(MessageThread.case_id, MessageThread.slot).where(
                MessageThread.case_id.in_([c.id for c, _ in cases])
            )
        ).all()
    )
    return [
        (case, kind, client_id)
        for case, members in cases
        for kind, client_id in wanted_slots(case, members)
        if (case.id, thread_slot(kind, client_id)) not in existing
    ]


def ensure_threads(cases: list[tuple[Case, list[CaseMember]]]) -> int:
    """Create whatever threads of these cases are missing; returns how many it added.

    The unique (case, slot) constraint makes this safe when two requests race: the loser's
    insert fails in its savepoint and the winner's thread is used.
    """
    added = 0
    for case, kind, client_id in missing_threads(cases):
        try:
            with db.session.begin_nested():
                db.session.add(
                    MessageThread(
                        case_id=case.id,
                        kind=kind,
                        client_id=client_id,
                        slot=thread_slot(kind, client_id),
                    )
                )
            added += 1
        except IntegrityError:
            continue
    db.session.flush()
    return added


def memberships_of(client: User) -> list[tuple[Case, list[CaseMember]]]:
    """The client's cases, each with its members (two statements)."""
    case_ids = list(
        db.session.scalars(
            sa.select(CaseMember.case_id).where(
                CaseMember.user_id == client.id, CaseMember.erased_at.is_(None)
            )
        )
    )
    return _by_case(case_ids)


def memberships_in(case: Case) -> list[CaseMember]:
    """A case's members with their accounts."""
    return members_of([case.id])


def _by_case(case_ids: list[int]) -> list[tuple[Case, list[CaseMember]]]:
    if not case_ids:
        return []
    members = members_of(case_ids)
    cases: dict[int, Case] = {}
    for member in members:
        cases.setdefault(member.case_id, member.case)
    return [(case, [m for m in members if m.case_id == case.id]) for case in cases.values()]


def members_of(case_ids: list[int]) -> list[CaseMember]:
    """The members of these cases with their accounts, cases and counselors (one statement)."""
    return list(
        db.session.scalars(
            sa.select(CaseMember)
            .where(CaseMember.case_id.in_(case_ids))
            .options(
                joinedload(CaseMember.user),
                joinedload(CaseMember.case).joinedload(Case.counselor),
            )
            .order_by(CaseMember.case_id, CaseMember.role)
        )
    )
