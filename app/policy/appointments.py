"""Who may know about an appointment (docs/security.md "Who sees what").

* The counselor of the case sees every appointment of the case (their own calendar).
* A client sees an appointment only if they are a current member of its case **and** expected
  at it: an individual session of the other partner is invisible to them everywhere (home page,
  calendar feed, reminders, PDFs, export).
* The practice admin sees how many appointments each counselor has, never whom they see.
* Nobody else sees anything.

Calendar events leave the app (feeds, ``.ics`` files, reminders), so what they may say is also
decided here: no names and no clinical content, only the words below.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from app.models import (
    Appointment,
    AppointmentAttendee,
    AppointmentStatus,
    Case,
    CaseMember,
    Role,
    User,
)

#: What a client's calendar calls a session when discreet mode is on.
DISCREET_TITLE = "Appointment"
CLIENT_TITLE = "Counseling session"
#: Practice setting ``REKINDLE_CALENDAR_CASE_LABEL``: how the counselor's feed names a case.
COUNSELOR_LABELS = ("initials", "case_label")


def _expected(viewer: User) -> ColumnElement[bool]:
    return sa.exists().where(
        AppointmentAttendee.appointment_id == Appointment.id,
        AppointmentAttendee.user_id == viewer.id,
    )


def _member_of_case(viewer: User) -> ColumnElement[bool]:
    return Appointment.case_id.in_(
        sa.select(CaseMember.case_id).where(
            CaseMember.user_id == viewer.id, CaseMember.erased_at.is_(None)
        )
    )


def visible_to(viewer: User) -> ColumnElement[bool]:
    """SQL criterion on ``Appointment``: the rows ``viewer`` may know about."""
    if viewer.role is Role.COUNSELOR:
        return Appointment.case_id.in_(sa.select(Case.id).where(Case.counselor_id == viewer.id))
    if viewer.role is Role.CLIENT:
        return sa.and_(_member_of_case(viewer), _expected(viewer))
    return sa.false()


def may_see(
    viewer: User, case: Case, appointment: Appointment, expected_ids: Iterable[int]
) -> bool:
    """The same rule for one loaded appointment (``expected_ids``: who is expected)."""
    if appointment.case_id != case.id:
        return False
    if viewer.role is Role.COUNSELOR:
        return case.counselor_id == viewer.id
    if viewer.role is Role.CLIENT:
        return viewer.id in set(expected_ids)
    return False


def reminder_recipients(
    appointment: Appointment, expected_ids: Iterable[int], current_member_ids: Iterable[int]
) -> list[int]:
    """Who is reminded of a booked appointment: the expected people still in the case."""
    if appointment.status is not AppointmentStatus.BOOKED:
        return []
    members = set(current_member_ids)
    return sorted(uid for uid in set(expected_ids) if uid in members)


def may_receive(
    user_id: int, appointment: Appointment, expected_ids: Iterable[int], members: Iterable[int]
) -> bool:
    """Whether a notice about ``appointment`` may still reach ``user_id`` (checked at delivery)."""
    return user_id in set(expected_ids) and user_id in set(members)


def admin_may_count(viewer: User) -> bool:
    """The admin may see appointment counts per counselor (never cases, names or times)."""
    return viewer.role is Role.ADMIN


def initials(name: str) -> str:
    """``"Alex Rivera"`` → ``"A.R."``: the most a counselor's feed says about a person."""
    parts = [p for p in name.replace("-", " ").split() if p and p[0].isalpha()]
    return "".join(f"{p[0].upper()}." for p in parts[:3]) or "?"


def counselor_event_title(case: Case, member_names: Iterable[str], setting: str) -> str:
    """The event title in the counselor's own calendar: initials (default) or the case label."""
    if setting == "case_label":
        return f"Session: {case.label}"
    names = [initials(n) for n in member_names]
    return "Session: " + (" & ".join(names) if names else "client")


def client_event_title(practice: str, discreet: bool) -> str:
    """The event title in a client's calendar: never a name, never what the session is about."""
    return DISCREET_TITLE if discreet else f"{CLIENT_TITLE} · {practice}"
