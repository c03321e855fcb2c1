"""The measures feature's section of the case page: the safety banner and the latest CSI."""

from __future__ import annotations

from typing import Any

from app.measures import results
from app.measures.forms import AcknowledgeForm
from app.models import Case, User
from app.policy import measures as rules
from app.services.case_page_read import case_page_read
from app.services.cases import case_members

CASE_TEMPLATE = "measures/_case_section.html"


def case_section(viewer: User, case: Case) -> dict[str, Any] | None:
    """Open safety flags (a banner until acknowledged) and each partner's latest CSI."""
    if not rules.is_case_counselor(viewer, case):
        return None
    members = case_members(case)
    # Both come with the page's shared read (docs/performance.md T1).
    found = case_page_read(viewer, case)
    latest = results.latest_for_case_from(case, found.first("csi"))
    return {
        "case": case,
        "flags": found.first("flags") if rules.may_see_flags(viewer, case) else [],
        "names": {m.user_id: m.user.name for m in members},
        "latest": [(m.user.name, latest.get((case.id, m.user_id))) for m in members],
        "ack_form": AcknowledgeForm(formdata=None),
    }
