"""Demo sessions for the Rivera couple: signed notes in SOAP, DAP and BIRP (one amended), a
draft, weekly check-ins from both partners, homework links and a picked shared entry.

What the notes say is in ``data/sessions.toml``; how often the couple checked in, too.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app import policy
from app.demo.accounts import demo_user
from app.demo.caseload import demo_couple_case
from app.demo.data import load
from app.extensions import db
from app.models import (
    Assignment,
    CheckIn,
    CounselingSession,
    JournalEntry,
    Modality,
    NoteAmendment,
    NoteFormat,
    NoteStatus,
    ProcessNote,
    SessionAssignmentLink,
    SessionAttendee,
    SessionJournalPick,
    SessionKind,
    SessionNote,
    User,
    utcnow,
)
from app.services.appointments import practice_timezone


def seed() -> None:
    """Sessions, notes and check-ins for the Rivera couple (idempotent)."""
    try:
        case = demo_couple_case()
    except LookupError:
        return
    if db.session.scalar(
        sa.select(CounselingSession.id).where(CounselingSession.case_id == case.id)
    ):
        return
    data = load("sessions")
    couple = load("caseload")["couple"]
    counselor = demo_user(couple["counselor"])
    alex = demo_user(couple["partner_a"])
    sam = demo_user(couple["partner_b"])
    now = utcnow()
    # At the demo series' time on the practice's calendar days, so the series can link its
    # attended occurrences to these sessions (app/demo/appointments.py).
    zone = ZoneInfo(practice_timezone())
    first_day = (now - timedelta(weeks=6)).astimezone(zone).date()
    at = time.fromisoformat(load("appointments")["series"]["time"])
    first = datetime.combine(first_day, at, zone).astimezone(UTC)

    _seed_check_ins(case.id, [alex.id, sam.id], now, data["check_in_weeks"])

    sessions = []
    notes = [(NoteFormat(note["format"]), note["sections"]) for note in data["note"]]
    for index, (fmt, sections) in enumerate(notes):
        starts = first + timedelta(weeks=2 * index)
        session = CounselingSession(
            case_id=case.id,
            counselor_id=counselor.id,
            starts_at=starts,
            duration_minutes=50 if index else 80,
            modality=Modality.VIDEO if index == 1 else Modality.IN_PERSON,
            kind=SessionKind.JOINT,
        )
        session.attendees = [SessionAttendee(user_id=alex.id), SessionAttendee(user_id=sam.id)]
        note = SessionNote(
            format=fmt,
            status=NoteStatus.SIGNED,
            signed_by_id=counselor.id,
            signed_at=starts + timedelta(hours=2),
        )
        note.sections = dict(sections)
        session.note = note
        db.session.add(session)
        db.session.flush()
        process = ProcessNote(session_id=session.id, author_id=counselor.id)
        process.body = data["process_note"]
        db.session.add(process)
        sessions.append(session)

    first_note = sessions[0].note
    assert first_note is not None  # every demo session above has a note
    amendment = NoteAmendment(
        note_id=first_note.id,
        author_id=counselor.id,
        created_at=sessions[0].starts_at + timedelta(days=1),
    )
    amendment.body = data["amendment"]
    db.session.add(amendment)

    draft = CounselingSession(
        case_id=case.id,
        counselor_id=counselor.id,
        starts_at=first + timedelta(weeks=6),
        modality=Modality.IN_PERSON,
        kind=SessionKind.JOINT,
    )
    draft.attendees = [SessionAttendee(user_id=alex.id), SessionAttendee(user_id=sam.id)]
    draft_note = SessionNote(format=counselor.note_format or NoteFormat.SOAP)
    draft_note.sections = dict(data["draft"]["sections"])
    draft.note = draft_note
    db.session.add(draft)
    db.session.flush()

    _link_demo_homework(case.id, sessions)
    _pick_demo_entry(counselor, case.id, sessions[1])
    db.session.commit()


def _seed_check_ins(case_id: int, user_ids: list[int], now: datetime, weeks: int) -> None:
    for week in range(weeks):
        when = now - timedelta(weeks=weeks - week, hours=3)
        for offset, user_id in enumerate(user_ids):
            trend = week * (0.6 if offset else 0.45)
            db.session.add(
                CheckIn(
                    case_id=case_id,
                    user_id=user_id,
                    satisfaction=min(10, round(4 + trend + (week % 2))),
                    communication=min(10, round(3 + trend * 1.1)),
                    closeness=min(10, round(4 + trend - (week % 3 == 2))),
                    hope=min(10, round(5 + trend * 0.8)),
                    created_at=when.astimezone(UTC),
                )
            )


def _link_demo_homework(case_id: int, sessions: list[CounselingSession]) -> None:
    """Link the modules demo's assignments, if any, as homework given and reviewed."""
    assignments = db.session.scalars(
        sa.select(Assignment)
        .where(Assignment.case_id == case_id, Assignment.removed_at.is_(None))
        .order_by(Assignment.created_at, Assignment.id)
    ).all()
    for index, assignment in enumerate(assignments[: len(sessions)]):
        db.session.add(
            SessionAssignmentLink(
                session_id=sessions[index].id, assignment_id=assignment.id, relation="homework"
            )
        )
        if index + 1 < len(sessions):
            db.session.add(
                SessionAssignmentLink(
                    session_id=sessions[index + 1].id,
                    assignment_id=assignment.id,
                    relation="reviewed",
                )
            )


def _pick_demo_entry(counselor: User, case_id: int, session: CounselingSession) -> None:
    """Pick the most recent entry shared with the counselor, if the journal demo made one."""
    entry_id = db.session.scalar(
        sa.select(JournalEntry.id)
        .where(policy.readable_by_counselor(policy.JOURNAL, counselor, case_id))
        .order_by(JournalEntry.shared_at.desc())
        .limit(1)
    )
    if entry_id is not None:
        db.session.add(SessionJournalPick(session_id=session.id, entry_id=entry_id))
