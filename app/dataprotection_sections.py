"""Data protection's sections: erased members on the case page, the data download on /me."""

from __future__ import annotations

from typing import Any

from app.models import Case, CaseMember, User
from app.services.cases import case_members

ERASED_TEMPLATE = "dataprotection/_erased_members.html"
EXPORT_LINK_TEMPLATE = "dataprotection/_export_link.html"


def erased_members_section(viewer: User, case: Case) -> dict[str, Any] | None:
    """Tell the counselor that a member of this case was erased, and when."""
    erased = case_members(case, erased=True)
    return {"members": erased} if erased else None


def export_link_section(viewer: User, memberships: list[CaseMember]) -> dict[str, Any]:
    """A quiet link to the data download at the bottom of the client's home."""
    return {}
