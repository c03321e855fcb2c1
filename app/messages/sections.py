"""Messages on the case page (counselor) and on the client's home: a link and the unread count.

Both read the per-request unread counts the menu already loaded (``app.messages.templating``),
so they add no statement to either page.
"""

from __future__ import annotations

from typing import Any

from app.messages.templating import unread_by_case
from app.models import Case, CaseMember, User

CASE_TEMPLATE = "messages/_case_section.html"
HOME_TEMPLATE = "messages/_home_section.html"


def case_messages_section(viewer: User, case: Case) -> dict[str, Any] | None:
    """The case's conversations: how many messages wait, and the way to them."""
    return {"case": case, "unread": unread_by_case().get(case.id, 0)}


def client_messages_section(viewer: User, memberships: list[CaseMember]) -> dict[str, Any] | None:
    """The client's conversations with their counselor, once they belong to a case."""
    if not memberships:
        return None
    return {"unread": sum(unread_by_case().values())}
