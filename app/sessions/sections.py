"""The sessions feature's sections on the case page and on the client's home."""

from __future__ import annotations

from typing import Any

from app.models import Appointment, Case, CaseMember, User
from app.services import appointment_reads
from app.services import checkins as checkin_service
from app.services.case_page_read import case_page_read
from app.services.cases import case_members
from app.sessions.summary import check_in_charts

CASE_TEMPLATE = "sessions/_case_section.html"
CHECKINS_TEMPLATE = "sessions/_case_checkins.html"
HOME_TEMPLATE = "sessions/_home_checkin.html"


def sessions_section(viewer: User, case: Case) -> dict[str, Any]:
    """Recent sessions with their note status, and the way to record one."""
    # The page's shared read brings them (docs/performance.md T1).
    return {"case": case, "sessions": case_page_read(viewer, case).first("sessions")}


def checkins_section(viewer: User, case: Case) -> dict[str, Any]:
    """Each partner's check-in trend."""
    check_ins = checkin_service.check_ins_by_user_from(
        case_page_read(viewer, case).first("check_ins")
    )
    return {
        "case": case,
        "charts": check_in_charts(case, case_members(case), width=420, check_ins=check_ins),
    }


def checkin_next_section(viewer: User, memberships: list[CaseMember]) -> dict[str, Any] | None:
    """An invitation to check in, with the last check-in's date and the next session if known.

    "Before your next session" is said only while a session is known to come; otherwise the
    card just asks how things have been (no promise of a session nobody booked).
    """
    if not memberships:
        return None
    member = memberships[0]
    upcoming = _next_session_of_case(member.case_id, viewer)
    return {
        "member": member,
        "next_session": upcoming,
        "latest": checkin_service.latest_check_in(member.case_id, viewer.id),
    }


def _next_session_of_case(case_id: int, viewer: User) -> Appointment | None:
    """The next booked session this client is expected at (the appointment book decides)."""
    return appointment_reads.next_session(case_id, everyone=[viewer.id])
