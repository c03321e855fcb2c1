"""The measures feature's section of the case page: the safety banner and the latest CSI."""

from __future__ import annotations

from typing import Any

from app.measures import results
from app.measures import services as service
from app.measures.forms import AcknowledgeForm
from app.models import Case, User
from app.policy import measures as rules
from app.services.cases import case_members

CASE_TEMPLATE = "measures/_case_section.html"


def case_section(viewer: User, case: Case) -> dict[str, Any] | None:
    """Open safety flags (a banner until acknowledged) and each partner's latest CSI."""
    if not rules.is_case_counselor(viewer, case):
        return None
    members = case_members(case)
    latest = results.latest_for_case(viewer, case)
    return {
        "case": case,
        "flags": service.open_flags(viewer, case),
        "names": {m.user_id: m.user.name for m in members},
        "latest": [(m.user.name, latest.get((case.id, m.user_id))) for m in members],
        "ack_form": AcknowledgeForm(formdata=None),
    }
