"""The admin's list of staff accounts: searched, filtered and paged like the case list.

Counselors and admins only (clients are reached through their cases), each with the number
of cases they hold; names, e-mails, roles and states — no clinical content.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from app.models import Case, Role, User
from app.services.listing import SEARCH_LENGTH, contains, one_page

#: The roles the list shows and filters by, in the words of the page.
STAFF_ROLES: dict[Role, str] = {Role.COUNSELOR: "Counselors", Role.ADMIN: "Admins"}
#: The account states the list filters by.
STAFF_STATES: dict[str, str] = {"active": "Can sign in", "inactive": "Deactivated"}


def staff_list(
    *, search: str = "", role: str = "", state: str = "", page: int = 1
) -> tuple[list[tuple[User, int]], int, int]:
    """A page of ``(account, cases held)``: ``(rows, page, pages)``; three statements.

    Searched by name or e-mail; filtered by role and by whether the account can sign in.
    Unknown filter values are ignored (the whole list shows), never an error.
    """
    case_counts = (
        sa.select(Case.counselor_id, sa.func.count(Case.id).label("cases"))
        .group_by(Case.counselor_id)
        .subquery()
    )
    roles = [r for r in STAFF_ROLES if r.value == role] or list(STAFF_ROLES)
    filters: list[ColumnElement[bool]] = [User.role.in_(roles), User.erased_at.is_(None)]
    search = search.strip()[:SEARCH_LENGTH]
    if search:
        filters.append(sa.or_(contains(User.name, search), contains(User.email, search)))
    if state == "active":
        filters.append(User.active.is_(True))
    elif state == "inactive":
        filters.append(User.active.is_(False))
    query = (
        sa.select(User, sa.func.coalesce(case_counts.c.cases, 0))
        .outerjoin(case_counts, case_counts.c.counselor_id == User.id)
        .where(*filters)
        .order_by(User.role, User.name, User.id)
    )
    rows, page, pages = one_page(query, page)
    return [(user, int(count)) for user, count in rows], page, pages
