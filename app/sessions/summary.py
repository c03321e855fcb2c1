"""What goes into each copy of the session summary PDF.

The client copy is built from an explicit allowlist (focus, next steps, homework, next session):
no assessment, no process notes, no journal text. Process notes never enter either copy.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from flask import current_app

from app.charts import Series, line_chart_svg
from app.extensions import db
from app.measures import summary as measure_summary
from app.models import AssignmentStatus, Case, CounselingSession, NoteStatus, SessionKind, User
from app.policy import confidentiality
from app.services import appointment_reads, session_picks
from app.services import checkins as checkin_service
from app.services import sessions as service
from app.templating import day, local_time

EXCERPT_CHARS = 600
_LONG_RUN = re.compile(r"\S{40}")

STATUS_LABELS = {
    AssignmentStatus.ASSIGNED: "Not started",
    AssignmentStatus.IN_PROGRESS: "In progress",
    AssignmentStatus.SUBMITTED: "Submitted",
    AssignmentStatus.REVIEWED: "Reviewed",
}


def breakable(text: str | None) -> str:
    """Text with a zero-width space after every 40 unbroken characters, so it can wrap."""
    return _LONG_RUN.sub(lambda m: m.group(0) + "\u200b", text or "")


def excerpt(text: str | None, limit: int = EXCERPT_CHARS) -> str:
    """The start of a text, cut at a word boundary."""
    text = (text or "").strip()
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


def check_in_charts(
    case: Case,
    members,
    until: datetime | None = None,
    width: int = 620,
    height: int = 240,
    check_ins: dict[int, list[Any]] | None = None,
) -> list[dict[str, Any]]:
    """One trend chart per partner (their four items over time, up to ``until`` if given).

    ``check_ins``: each member's check-ins when the page read them already.
    """
    by_user = checkin_service.check_ins_by_user(case.id) if check_ins is None else check_ins
    charts = []
    for member in members:
        rows = [
            r for r in by_user.get(member.user_id, []) if until is None or r.created_at <= until
        ]
        if not rows:
            charts.append({"name": member.user.name, "svg": None, "latest": None})
            continue
        labels = [local_time(r.created_at, "%d %b") for r in rows]
        series = [
            Series(item.short, [getattr(r, item.key) for r in rows])
            for item in checkin_service.ITEMS
        ]
        charts.append(
            {
                "name": member.user.name,
                "svg": line_chart_svg(
                    series,
                    labels,
                    title=f"Check-ins of {member.user.name}",
                    width=width,
                    height=height,
                ),
                "latest": rows[-1],
            }
        )
    return charts


def summary_context(
    case: Case, session: CounselingSession, copy: str
) -> tuple[str, dict[str, Any]]:
    """The template and its context for the clinician or the client copy."""
    note = session.note
    sections = (note.sections if note else None) or {}
    members = service.case_clients(case.id)
    # A joint session's PDFs leave out the private items the case's policy keeps.
    withheld = (
        confidentiality.withheld_assignment_ids(case.id)
        if session.kind is SessionKind.JOINT
        else set()
    )
    homework = [a for a in service.homework_of(session) if a.id not in withheld]
    # Each copy names the next *booked* session; the client copy only one that everyone this
    # summary is for is expected at (a partner's individual session stays theirs).
    next_session = appointment_reads.next_session(
        case.id,
        after=session.starts_at,
        everyone=[a.user_id for a in session.attendees] if copy == "client" else None,
    )
    common = {
        "case": case,
        "session": session,
        "members": members,
        "attendees": [a.user.name for a in session.attendees],
        "homework": homework,
        "status_labels": STATUS_LABELS,
        "next_session": next_session,
        "breakable": breakable,
        "day": day,
        "local_time": local_time,
        "practice": current_app.config["REKINDLE_PRACTICE_NAME"],
    }
    if copy == "client":
        # Who wrote it: the counselor who signed the note, or who held the session.
        writer = (note.signed_by if note is not None and note.signed_by_id else None) or (
            db.session.get_one(User, session.counselor_id)
        )
        return "pdf/session_client.html", {
            **common,
            "title": "Your session summary",
            "writer": writer.name,
            "focus": sections.get("focus", ""),
            "next_steps": sections.get("next_steps", ""),
            "measures": measure_summary.for_client(case, members, session),
        }
    counselor = db.session.get_one(User, case.counselor_id)
    return "pdf/session_clinician.html", {
        **common,
        "title": "Session summary — clinician copy",
        "counselor": counselor,
        "note": note,
        "signed": note is not None and note.status is NoteStatus.SIGNED,
        "format_sections": service.note_sections(note.format) if note else [],
        "sections": sections,
        "client_sections": service.CLIENT_SECTIONS,
        "amendments": note.amendments if note else [],
        # Drawn at half a page's width: the two partners' trends sit side by side.
        "charts": check_in_charts(
            case, members, until=session.starts_at + timedelta(days=1), width=420, height=190
        ),
        "assignments": [a for a in service.case_assignments(case.id) if a.id not in withheld],
        "reviewed_ids": service.linked_assignment_ids(session.id, service.REVIEWED),
        "picked": [
            {
                "author": e.author.name,
                "title": e.title,
                "text": excerpt(e.body),
                "shared_at": e.shared_at,
            }
            for e in service.picked_entries(counselor, case, session)
        ],
        "withdrawn": session_picks.withdrawn_excerpts(counselor, case, session),
        "measures": measure_summary.for_clinician(counselor, case, members, session),
    }
