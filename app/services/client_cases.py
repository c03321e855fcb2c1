"""The cases a client writes in, and who each one's writing can reach. Reads only.

A client in more than one case chooses the case of each new item; these reads name, for each
case, the counselor and the partner that "my counselor" and "my partner" mean there.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Case, CaseMember, CaseStatus, User


@dataclass(frozen=True)
class CaseAudience:
    """A case of the client, with the people its sharing choices reach."""

    case: Case
    counselor_name: str
    partner_names: list[str]

    @property
    def is_open(self) -> bool:
        """New writing is accepted only in a case that is not closed."""
        return self.case.status is not CaseStatus.CLOSED


def cases_of(user: User, case_ids: list[int] | None = None) -> list[CaseAudience]:
    """The client's current cases (or those of ``case_ids``), newest membership first."""
    query = (
        sa.select(CaseMember)
        .where(CaseMember.user_id == user.id, CaseMember.erased_at.is_(None))
        .options(joinedload(CaseMember.case).joinedload(Case.counselor))
        .order_by(CaseMember.joined_at.desc(), CaseMember.id.desc())
    )
    if case_ids is not None:
        query = query.where(CaseMember.case_id.in_(case_ids))
    memberships = db.session.scalars(query).all()
    if not memberships:
        return []
    partners: dict[int, list[str]] = {}
    rows = db.session.execute(
        sa.select(CaseMember.case_id, User.name)
        .join(User, User.id == CaseMember.user_id)
        .where(
            CaseMember.case_id.in_([m.case_id for m in memberships]),
            CaseMember.user_id != user.id,
            CaseMember.erased_at.is_(None),
        )
        .order_by(CaseMember.role)
    )
    for case_id, name in rows:
        partners.setdefault(case_id, []).append(name)
    return [
        CaseAudience(m.case, m.case.counselor.name, partners.get(m.case_id, []))
        for m in memberships
    ]


def audience_of(user: User, case_id: int) -> CaseAudience | None:
    """One case of the client with its counselor and partner, or None if not theirs."""
    found = cases_of(user, [case_id])
    return found[0] if found else None
