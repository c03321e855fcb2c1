"""Builders for the sessions tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.models import (
    CheckIn,
    CounselingSession,
    JournalEntry,
    NoteFormat,
    NoteStatus,
    ProcessNote,
    ResponseStatus,
    SessionAttendee,
    SessionJournalPick,
    SessionNote,
    Visibility,
    utcnow,
)

CANARY = "CANARY-private-7f3a"


class SessionBuilder:
    """Makes sessions, notes, journal entries and check-ins directly in the database."""

    def __init__(self, app) -> None:
        self.app = app

    def session(
        self,
        case,
        *,
        attendees=(),
        sections=None,
        fmt=NoteFormat.DAP,
        signed_by=None,
        starts_at=None,
    ) -> int:
        with self.app.app_context():
            session = CounselingSession(
                case_id=case.id,
                counselor_id=case.counselor_id,
                starts_at=starts_at or datetime(2026, 11, 20, 15, 0, tzinfo=UTC),
            )
            session.attendees = [SessionAttendee(user_id=u.id) for u in attendees]
            note = SessionNote(format=fmt)
            note.sections = sections or {}
            if signed_by is not None:
                note.status, note.signed_by_id, note.signed_at = (
                    NoteStatus.SIGNED,
                    signed_by.id,
                    utcnow(),
                )
            session.note = note
            db.session.add(session)
            db.session.commit()
            return session.id

    def appointment(self, case, *, starts_at: datetime, expected=()) -> int:
        """A joint session booked through the appointment book (the source of "next
        session"); ``expected`` defaults to every current member of the case."""
        from app.models import Case, Modality, SessionKind, User
        from app.services import appointments as book_service
        from app.services.cases import case_members

        with self.app.app_context():
            loaded = db.session.get(Case, case.id)
            people = [u.id for u in expected] or [m.user_id for m in case_members(loaded)]
            details = book_service.Details(
                local_start=starts_at.astimezone(UTC).replace(tzinfo=None),
                timezone="UTC",
                duration_minutes=50,
                modality=Modality.PHONE,
                location=None,
                video_url=None,
                kind=SessionKind.JOINT,
                expected_ids=people,
            )
            counselor = db.session.get(User, loaded.counselor_id)
            [booked] = book_service.book(loaded, counselor, details)
            db.session.commit()
            return booked.id

    def process_note(self, session_id: int, author, body: str) -> None:
        with self.app.app_context():
            note = ProcessNote(session_id=session_id, author_id=author.id)
            note.body = body
            db.session.add(note)
            db.session.commit()

    def entry(
        self, case, author, *, body: str, title: str = "An entry", visibility=Visibility.COUNSELOR
    ) -> int:
        with self.app.app_context():
            entry = JournalEntry(
                case_id=case.id,
                author_id=author.id,
                visibility=visibility,
                status=ResponseStatus.SUBMITTED,
                shared_at=utcnow() if visibility is not Visibility.PRIVATE else None,
            )
            entry.title, entry.body, entry.tags = title, body, []
            db.session.add(entry)
            db.session.commit()
            return entry.id

    def pick(self, session_id: int, entry_id: int) -> None:
        with self.app.app_context():
            db.session.add(SessionJournalPick(session_id=session_id, entry_id=entry_id))
            db.session.commit()

    def check_ins(self, case, user, weeks: int = 4) -> None:
        with self.app.app_context():
            start = utcnow() - timedelta(weeks=weeks)
            for week in range(weeks):
                db.session.add(
                    CheckIn(
                        case_id=case.id,
                        user_id=user.id,
                        satisfaction=4 + week % 5,
                        communication=3 + week % 6,
                        closeness=5,
                        hope=6 + week % 3,
                        created_at=start + timedelta(weeks=week),
                    )
                )
            db.session.commit()


@pytest.fixture
def build(app) -> SessionBuilder:
    """The sessions builder."""
    return SessionBuilder(app)


@pytest.fixture
def couple_case(factory):
    """(counselor, case, partner A, partner B)."""
    counselor = factory.counselor(name="Dana Counselor")
    case, a, b = factory.couple(counselor)
    return counselor, case, a, b
