"""Counseling sessions: records, notes (draft → signed → amendments), process notes, homework
links and journal picks. Functions check the rules and flush; the view commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app import policy
from app.extensions import db
from app.models import (
    Assignment,
    AssignmentRecipient,
    Case,
    CaseMember,
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
from app.policy import JOURNAL
from app.services.combined_read import Part, read
from app.services.concurrency import create_once

HOMEWORK = "homework"
REVIEWED = "reviewed"


class SessionRuleError(ValueError):
    """A change the rules do not allow; the message is shown to the counselor."""


class PickRefused(SessionRuleError):
    """An entry that is not shared with this counselor in this case was asked for."""


@dataclass(frozen=True)
class NoteSection:
    """One field of a note format, with its guidance text."""

    key: str
    label: str
    guidance: str


NOTE_FORMATS: dict[NoteFormat, list[NoteSection]] = {
    NoteFormat.SOAP: [
        NoteSection("subjective", "Subjective", "What the partners reported, in their words."),
        NoteSection("objective", "Objective", "What you observed: affect, interaction, behavior."),
        NoteSection("assessment", "Assessment", "Your clinical impression and progress."),
        NoteSection("plan", "Plan", "Interventions, homework and focus for next time."),
    ],
    NoteFormat.DAP: [
        NoteSection("data", "Data", "What was said and observed in the session."),
        NoteSection("assessment", "Assessment", "Your interpretation of the data and progress."),
        NoteSection("plan", "Plan", "What happens next: homework, referrals, next session."),
    ],
    NoteFormat.BIRP: [
        NoteSection("behavior", "Behavior", "Presenting behavior and what the partners shared."),
        NoteSection("intervention", "Intervention", "What you did: techniques and exercises."),
        NoteSection("response", "Response", "How each partner responded to the intervention."),
        NoteSection("plan", "Plan", "Next steps, homework and the next session."),
    ],
}
#: Written for the couple: the only note text that reaches the client copy.
CLIENT_SECTIONS = [
    NoteSection(
        "focus",
        "Session focus, for the couple",
        "A few plain, warm sentences about what you worked on together. Shown in the client copy.",
    ),
    NoteSection(
        "next_steps",
        "Next steps, for the couple",
        "What they agreed to try before the next session. Shown in the client copy.",
    ),
]
SECTION_MAX = 20_000


def note_sections(fmt: NoteFormat) -> list[NoteSection]:
    """The clinical sections of a format."""
    return NOTE_FORMATS[NoteFormat(fmt)]


def case_clients(case_id: int) -> list[CaseMember]:
    """The case's current members with their users, partner A first."""
    return list(
        db.session.scalars(
            sa.select(CaseMember)
            .where(CaseMember.case_id == case_id, CaseMember.erased_at.is_(None))
            .options(selectinload(CaseMember.user))
            .order_by(CaseMember.role)
        )
    )


def create_session(
    case: Case,
    counselor: User,
    *,
    starts_at: datetime,
    duration_minutes: int,
    modality: Modality,
    kind: SessionKind,
    attendee_ids: list[int],
    request_key: str | None,
) -> tuple[CounselingSession, bool]:
    """Record a session with an empty draft note in the counselor's format (once per key)."""
    allowed = {m.user_id for m in case_clients(case.id)}
    if not set(attendee_ids) <= allowed:
        raise SessionRuleError("Only members of this case can attend its sessions.")

    def build() -> CounselingSession:
        session = CounselingSession(
            case_id=case.id,
            counselor_id=counselor.id,
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            modality=modality,
            kind=kind,
        )
        session.attendees = [SessionAttendee(user_id=uid) for uid in sorted(set(attendee_ids))]
        note = SessionNote(format=counselor.note_format or NoteFormat.SOAP)
        note.sections = {}
        session.note = note
        return session

    return create_once(CounselingSession, request_key, build)


def update_session(
    session: CounselingSession,
    *,
    starts_at: datetime,
    duration_minutes: int,
    modality: Modality,
    kind: SessionKind,
    attendee_ids: list[int],
) -> None:
    """Change when and how a session took place and who came."""
    allowed = {m.user_id for m in case_clients(session.case_id)}
    if not set(attendee_ids) <= allowed:
        raise SessionRuleError("Only members of this case can attend its sessions.")
    session.starts_at = starts_at
    session.duration_minutes = duration_minutes
    session.modality = modality
    session.kind = kind
    current = {a.user_id for a in session.attendees}
    wanted = set(attendee_ids)
    session.attendees = [a for a in session.attendees if a.user_id in wanted] + [
        SessionAttendee(user_id=uid) for uid in sorted(wanted - current)
    ]
    db.session.flush()


def load_session(case_id: int, session_id: int) -> CounselingSession | None:
    """A session of the case with its attendees, note, signer and amendments loaded."""
    return db.session.scalar(
        sa.select(CounselingSession)
        .where(CounselingSession.id == session_id, CounselingSession.case_id == case_id)
        .options(
            selectinload(CounselingSession.attendees).selectinload(SessionAttendee.user),
            selectinload(CounselingSession.note).selectinload(SessionNote.signed_by),
            selectinload(CounselingSession.note)
            .selectinload(SessionNote.amendments)
            .selectinload(NoteAmendment.author),
        )
    )


def sessions_part(case_id: int, limit: int | None = None) -> Part:
    """The case's sessions, newest first, with their notes, as a part of a combined read."""
    return Part(
        (CounselingSession,),
        CounselingSession.case_id == case_id,
        order_by=(CounselingSession.starts_at.desc(), CounselingSession.id.desc()),
        options=(joinedload(CounselingSession.note),),
        limit=limit,
    )


def list_sessions(case_id: int, limit: int | None = None) -> list[CounselingSession]:
    """The case's sessions, newest first, with their notes (one statement: a note is one row)."""
    return read({"s": sessions_part(case_id, limit)}).first("s")


def _require_draft(note: SessionNote) -> None:
    if note.status is not NoteStatus.DRAFT:
        raise SessionRuleError("This note is signed. Add an amendment below instead.")


def save_note(note: SessionNote, *, fmt: NoteFormat, sections: dict[str, str]) -> None:
    """Replace a draft note's text (keys of its format plus focus and next steps)."""
    _require_draft(note)
    allowed = {s.key for s in note_sections(fmt)} | {s.key for s in CLIENT_SECTIONS}
    kept = dict(note.sections or {})
    for key, value in sections.items():
        if key in allowed:
            kept[key] = value[:SECTION_MAX]
    note.format = NoteFormat(fmt)
    note.sections = kept
    db.session.flush()


def sign_note(note: SessionNote, signer: User) -> None:
    """Lock the note: signer and time are recorded; later changes are amendments."""
    _require_draft(note)
    sections = note.sections or {}
    if not any((sections.get(s.key) or "").strip() for s in note_sections(note.format)):
        raise SessionRuleError("Write at least one section of the note before signing it.")
    note.status = NoteStatus.SIGNED
    note.signed_by_id = signer.id
    note.signed_at = utcnow()
    note.version += 1
    db.session.flush()


def add_amendment(note: SessionNote, author: User, body: str) -> NoteAmendment:
    """A dated addition to a signed note; the original stays as it was."""
    if note.status is not NoteStatus.SIGNED:
        raise SessionRuleError(
            "A draft can still be edited directly; amendments are for signed notes."
        )
    if not body.strip():
        raise SessionRuleError("Write the amendment before adding it.")
    amendment = NoteAmendment(note_id=note.id, author_id=author.id)
    amendment.body = body
    db.session.add(amendment)
    db.session.flush()
    return amendment


def process_note_for(session_id: int, author_id: int) -> ProcessNote | None:
    """The author's own process note of a session (nobody else's is ever returned)."""
    return db.session.scalar(
        sa.select(ProcessNote).where(
            ProcessNote.session_id == session_id, ProcessNote.author_id == author_id
        )
    )


def save_process_note(session: CounselingSession, author: User, body: str) -> ProcessNote:
    """Create or replace the author's private process note."""
    note = process_note_for(session.id, author.id)
    if note is None:
        note = ProcessNote(session_id=session.id, author_id=author.id)
        db.session.add(note)
    note.body = body[:SECTION_MAX]
    db.session.flush()
    return note


def pickable_entries(counselor: User, case: Case) -> list[JournalEntry]:
    """Journal entries of the case that their authors shared with the counselor."""
    return list(
        db.session.scalars(
            sa.select(JournalEntry)
            .where(policy.readable_by_counselor(JOURNAL, counselor, case))
            .options(selectinload(JournalEntry.author))
            .order_by(JournalEntry.shared_at.desc(), JournalEntry.id.desc())
        )
    )


def picked_entries(counselor: User, case: Case, session: CounselingSession) -> list[JournalEntry]:
    """Entries picked for the session that are STILL shared (a revoked one is withheld)."""
    return list(
        db.session.scalars(
            sa.select(JournalEntry)
            .join(SessionJournalPick, SessionJournalPick.entry_id == JournalEntry.id)
            .where(
                SessionJournalPick.session_id == session.id,
                JournalEntry.case_id == session.case_id,
                policy.readable_by_counselor(JOURNAL, counselor, case),
            )
            .options(selectinload(JournalEntry.author))
            .order_by(JournalEntry.created_at)
        )
    )


def set_picks(
    counselor: User, case: Case, session: CounselingSession, entry_ids: list[int]
) -> None:
    """Replace the session's picks; only entries shared with the counselor are accepted.

    A signed session stays as it was signed: its picks change only with an amendment
    (``services.session_picks.amend_picks``), which records the change.
    """
    signed = (SessionNote.session_id == session.id, SessionNote.status == NoteStatus.SIGNED)
    if db.session.scalar(sa.select(SessionNote.id).where(*signed)) is not None:
        raise SessionRuleError(
            "This note is signed. To change the journal entries discussed, add an amendment."
        )
    allowed = {e.id for e in pickable_entries(counselor, case)}
    if not set(entry_ids) <= allowed:
        raise PickRefused("Only entries the partners shared with you can be picked.")
    db.session.execute(
        sa.delete(SessionJournalPick).where(SessionJournalPick.session_id == session.id)
    )
    db.session.add_all(
        SessionJournalPick(session_id=session.id, entry_id=eid) for eid in sorted(set(entry_ids))
    )
    db.session.flush()


def case_assignments(case_id: int) -> list[Assignment]:
    """The case's current assignments with module and per-partner progress."""
    return list(
        db.session.scalars(
            sa.select(Assignment)
            .where(Assignment.case_id == case_id, Assignment.removed_at.is_(None))
            .options(
                selectinload(Assignment.module_version),
                selectinload(Assignment.recipients).selectinload(AssignmentRecipient.user),
            )
            .order_by(Assignment.created_at.desc(), Assignment.id.desc())
        )
    )


def linked_assignment_ids(session_id: int, relation: str) -> set[int]:
    """Ids of the assignments linked to the session as homework or as reviewed."""
    return set(
        db.session.scalars(
            sa.select(SessionAssignmentLink.assignment_id).where(
                SessionAssignmentLink.session_id == session_id,
                SessionAssignmentLink.relation == relation,
            )
        )
    )


def reviewable(
    session: CounselingSession, assignments: list[Assignment], reviewed_ids: set[int]
) -> list[Assignment]:
    """The assignments that could have been reviewed in ``session``: those given before it.

    Homework given in this very session (or assigned after it began) cannot have been
    reviewed in it; one already marked reviewed stays on offer, so it can be unticked.
    """
    homework = linked_assignment_ids(session.id, HOMEWORK)
    return [
        a
        for a in assignments
        if a.id in reviewed_ids or (a.id not in homework and a.created_at < session.starts_at)
    ]


def set_reviewed(session: CounselingSession, assignment_ids: list[int]) -> None:
    """Replace which of the case's assignments were reviewed in this session."""
    reviewed = linked_assignment_ids(session.id, REVIEWED)
    allowed = {a.id for a in reviewable(session, case_assignments(session.case_id), reviewed)}
    if not set(assignment_ids) <= allowed:
        raise SessionRuleError(
            "Only work given before this session can be marked as reviewed in it."
        )
    db.session.execute(
        sa.delete(SessionAssignmentLink).where(
            SessionAssignmentLink.session_id == session.id,
            SessionAssignmentLink.relation == REVIEWED,
        )
    )
    db.session.add_all(
        SessionAssignmentLink(session_id=session.id, assignment_id=aid, relation=REVIEWED)
        for aid in sorted(set(assignment_ids))
    )
    db.session.flush()


def link_homework(session: CounselingSession, assignment: Assignment) -> None:
    """Record that ``assignment`` was given as homework in this session (once)."""
    exists = db.session.get(SessionAssignmentLink, (session.id, assignment.id, HOMEWORK))
    if exists is None:
        db.session.add(
            SessionAssignmentLink(
                session_id=session.id, assignment_id=assignment.id, relation=HOMEWORK
            )
        )
    db.session.flush()


def homework_of(session: CounselingSession) -> list[Assignment]:
    """Assignments given as homework in the session, with module and recipients."""
    ids = linked_assignment_ids(session.id, HOMEWORK)
    return [a for a in case_assignments(session.case_id) if a.id in ids]
