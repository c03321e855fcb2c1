"""The journal's sections on the case page (counselor) and on the client's home."""

from __future__ import annotations

from typing import Any

from app.journal.chart import mood_chart
from app.models import Case, CaseMember, User
from app.services.cases import case_members
from app.services.journal_overview import case_journal, home_journal

ENTRIES_PER_PARTNER = 8
CASE_TEMPLATE = "journal/_case_section.html"
HOME_TEMPLATE = "journal/_home_section.html"


def case_journal_section(viewer: User, case: Case) -> dict[str, Any] | None:
    """Each partner's shared entries (newest first, unread marked) and their mood trend.

    One statement whatever the number of entries; members come with the case.
    """
    members = [(m.user_id, m.role, m.user.name) for m in case_members(case)]
    if not members:
        return None
    journal = case_journal(
        viewer, case, [user_id for user_id, _, _ in members], ENTRIES_PER_PARTNER
    )
    partners = []
    for user_id, role, name in members:
        total, unread = journal.counts.get(user_id, (0, 0))
        partners.append(
            {
                "user_id": user_id,
                "name": name,
                "role": role,
                "entries": [
                    (e, is_read) for e, is_read in journal.latest if e.author_id == user_id
                ],
                "total": total,
                "unread": unread,
                "chart": mood_chart(
                    f"mood-case-{case.id}-{user_id}",
                    f"{name}: mood in shared entries",
                    [(t, m) for author, t, m in journal.moods if author == user_id],
                ),
            }
        )
    return {"case": case, "partners": partners}


def client_journal_section(viewer: User, memberships: list[CaseMember]) -> dict[str, Any] | None:
    """The client's journal at a glance: last entry, drafts, new comments, partner's shares."""
    if not memberships:
        return None
    journal = home_journal(viewer, [m.case_id for m in memberships])
    return {
        "drafts": journal.drafts,
        "last_at": journal.last_at,
        "new_comments": journal.new_comments,
        "partner_shared": journal.partner_shared,
    }
