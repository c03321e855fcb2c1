"""The appointment book's section on the case page: the next sessions and the way to book."""

from __future__ import annotations

from typing import Any

from app.models import Case, User
from app.services import appointment_reads
from app.services.case_page_read import case_page_read

CASE_TEMPLATE = "appointments/_case_section.html"


def case_section(viewer: User, case: Case) -> dict[str, Any]:
    """The case's coming sessions (the first is its "next session") for its counselor."""
    found = case_page_read(viewer, case)  # the page's shared read (docs/performance.md T1)
    return {"case": case, "upcoming": appointment_reads.not_ended(found.first("appointments"))}
