"""Demo sessions for the Rivera couple: signed notes in SOAP, DAP and BIRP (one amended), a
draft, weekly check-ins from both partners, homework links and a picked shared entry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from app import policy
from app.demo.accounts import demo_user
from app.demo.caseload import demo_couple_case
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

WEEKS = 8

NOTES = [
    (
        NoteFormat.SOAP,
        {
            "subjective": "Both partners said the week felt tense. Alex described feeling "
            "criticised about household tasks; Sam said they felt unheard when plans changed.",
            "objective": "Engaged and on time. Sam leaned away during the money topic; both "
            "softened when asked about what first drew them together.",
            "assessment": "Pursue–withdraw pattern is active around money and planning. Both "
            "remain motivated; no safety concerns.",
            "plan": "Introduce soft start-up. Weekly check-ins. Review in the next session.",
            "focus": "We looked at how hard conversations start, and how a gentler first "
            "sentence changes what follows.",
            "next_steps": "Each of you: try one gentle start-up this week and notice what happens.",
        },
    ),
    (
        NoteFormat.DAP,
        {
            "data": "Couple reported two attempts at soft start-up; one went well. One of them shared "
            "a journal entry, which we read together and discussed.",
            "assessment": "Early skill uptake. Repair attempts are noticed more often by both.",
            "plan": "Continue soft start-up; add the daily appreciation exercise.",
            "focus": "We celebrated the conversation that went well and talked about what "
            "made it different.",
            "next_steps": "Share one appreciation with each other every day.",
        },
    ),
    (
        NoteFormat.BIRP,
        {
            "behavior": "Calmer presentation. Alex initiated the topic of weekend plans "
            "without escalation.",
            "intervention": "Speaker–listener practice with coaching; reflected underlying "
            "needs (rest for Alex, predictability for Sam).",
            "response": "Both were able to summarise the other's view accurately by the "
            "second round. Sam said it felt 'lighter'.",
            "plan": "Assign the listening module. Next session in two weeks.",
            "focus": "We practised listening to understand, taking turns as speaker and listener.",
            "next_steps": "Use the speaker–listener steps for one planning conversation.",
        },
    ),
]


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
    counselor = demo_user("counselor@demo.rekindle.test")
    alex = demo_user("alex@demo.rekindle.test")
    sam = demo_user("sam@demo.rekindle.test")
    now = utcnow()
    first = (now - timedelta(weeks=6)).replace(hour=16, minute=0, second=0, microsecond=0)

    _seed_check_ins(case.id, [alex.id, sam.id], now)

    sessions = []
    for index, (fmt, sections) in enumerate(NOTES):
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
        note.sections = sections
        session.note = note
        db.session.add(session)
        db.session.flush()
        process = ProcessNote(session_id=session.id, author_id=counselor.id)
        process.body = "My own reactions: notice my pull to side with whoever speaks last."
        db.session.add(process)
        sessions.append(session)

    amendment = NoteAmendment(
        note_id=sessions[0].note.id,
        author_id=counselor.id,
        created_at=sessions[0].starts_at + timedelta(days=1),
    )
    amendment.body = "Correction: the session lasted 80 minutes (intake-length), not 50."
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
    draft_note.sections = {
        "subjective": "Both reported a better fortnight; one argument about the holidays.",
        "focus": "We looked back at what has changed since you started.",
    }
    draft.note = draft_note
    db.session.add(draft)
    db.session.flush()

    _link_demo_homework(case.id, sessions)
    _pick_demo_entry(counselor, case.id, sessions[1])
    db.session.commit()


def _seed_check_ins(case_id: int, user_ids: list[int], now: datetime) -> None:
    for week in range(WEEKS):
        when = now - timedelta(weeks=WEEKS - week, hours=3)
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
