"""The case page's lead: what changed since the last session and what is next.

A busy counselor opens a case to prepare the next session; this section answers first
"what is new since we last met" and "what needs me next" (issue ux-pass, item 7): counts
only, read through ``app.policy`` (shared entries the counselor may read, answers sent, not
their content), and a short list of what applies now, each with its link. Everything comes
from the page's shared read (``app.services.case_page_read``): no statement of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import url_for

from app.models import Appointment, Case, User, utcnow
from app.services.case_page_read import case_page_read

TEMPLATE = "cases/_since_last.html"


@dataclass(frozen=True)
class NextStep:
    """One thing that needs the counselor, with where to do it."""

    kind: str
    text: str
    url: str
    urgent: bool = False
    when: datetime | None = None


def since_last_section(viewer: User, case: Case) -> dict[str, Any] | None:
    """Counts of what is new since the last session, and what is next."""
    found = case_page_read(viewer, case)
    facts = found.facts
    return {
        "case": case,
        "last": _aware(facts["lead.last"]),
        "next": _aware(facts["lead.next"]),
        "entries": int(facts["lead.entries"] or 0),
        "answers": int(facts["lead.answers"] or 0),
        "waiting": int(facts["lead.waiting"] or 0),
        "steps": next_steps(viewer, case),
    }


def next_steps(viewer: User, case: Case) -> list[NextStep]:
    """What is next for the counselor in this case, most pressing first; only what applies."""
    # Imported here: the intake and measures packages import this package's neighbours.
    from app.intake.sections import open_concerns_and_unsigned

    found = case_page_read(viewer, case)
    facts = found.facts
    case_url = url_for("cases.detail", case_id=case.id)
    steps: list[NextStep] = []
    flags = found.first("flags")
    if flags:
        steps.append(
            NextStep(
                "flag",
                f"{_n(len(flags), 'safety flag')} on a measure: record what you did",
                f"{case_url}#measure-flags",
                urgent=True,
            )
        )
    concerns, unsigned_names = open_concerns_and_unsigned(viewer, case)
    for concern in concerns:
        steps.append(
            NextStep(
                "concern",
                "A safety check raised a concern: record your decision",
                f"{case_url}#concern-{concern.id}-title",
                urgent=True,
            )
        )
    upcoming = _next_booked(found.first("appointments"))
    due = _measures_due(case, found, upcoming)
    if due:
        steps.append(
            NextStep(
                "measure",
                f"{_n(due, 'measure')} due, not answered yet",
                url_for("measures.case_page", case_id=case.id),
            )
        )
    if upcoming is not None:
        steps.append(
            NextStep(
                "appointment",
                "Next session",
                url_for("appointments.detail", case_id=case.id, aid=upcoming.id),
                when=_aware(upcoming.starts_at),
            )
        )
    elif not case.is_closed:
        steps.append(
            NextStep(
                "book",
                "No session booked: book the next one",
                url_for("appointments.new", case_id=case.id),
            )
        )
    waiting = int(facts["lead.waiting"] or 0)
    if waiting:
        steps.append(
            NextStep(
                "review",
                f"{_n(waiting, 'exercise')} waiting for your review",
                f"{case_url}#assignments",
            )
        )
    unsigned = int(facts["lead.unsigned"] or 0)
    if unsigned and facts["lead.unsigned_latest"] is not None:
        steps.append(
            NextStep(
                "note",
                f"{_n(unsigned, 'session note')} not signed yet",
                url_for("sessions.detail", case_id=case.id, sid=int(facts["lead.unsigned_latest"])),
            )
        )
    for name in unsigned_names:
        steps.append(
            NextStep("consent", f"{name} has not signed the consents", f"{case_url}#intake")
        )
    return steps


def _measures_due(case: Case, found: Any, upcoming: Appointment | None) -> int:
    from app.measures.case_reads import due_count
    from app.measures.schedule_rules import NextAppointment
    from app.services.cases import case_members

    booked = NextAppointment(upcoming.id, _utc(upcoming.starts_at)) if upcoming else None
    return due_count(
        found.first("measure_schedules"),
        found.first("measure_sheets"),
        [m.user_id for m in case_members(case)],
        booked,
        utcnow(),
    )


def _next_booked(appointments: list[Appointment]) -> Appointment | None:
    """The first booked appointment still to start (the case page lists running ones too)."""
    now = utcnow()
    return next((a for a in appointments if _utc(a.starts_at) >= now), None)


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _aware(value: datetime | None) -> datetime | None:
    # A bare scalar subquery comes back without the column's type on SQLite: naive UTC.
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)
