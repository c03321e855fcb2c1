"""A client in two cases: X belongs to case 1 (with partner P1) and to case 2 (with P2).

Each case holds the same kinds of writing, each item marked with a canary naming its case:
X's and the partner's journal entries shared with counselor and partner (with a mood), X's
exercise answer shared with both, a session with X's entry picked, and a check-in of X. The
session of each case also carries a (forged) pick of the *other* case's entry, which no page of
the session may show. The counselors of the two cases are different people, or the same one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import Flask

from app.extensions import db
from app.models import (
    Assignment,
    AssignmentRecipient,
    AssignmentStatus,
    Case,
    CaseKind,
    CaseMember,
    CaseStatus,
    CheckIn,
    CounselingSession,
    JournalEntry,
    MemberRole,
    NoteFormat,
    Response,
    ResponseStatus,
    Role,
    SessionAttendee,
    SessionJournalPick,
    SessionNote,
    User,
    Visibility,
    utcnow,
)
from tests.factories import _password_hash
from tests.security.scenario_records import _module

CASES = (1, 2)


def canary(kind: str, case: int) -> str:
    """The searchable text of one item (letters only, so escaping never changes it)."""
    return f"CANARY{kind.upper()}CASE{'ONE' if case == 1 else 'TWO'}"


@dataclass
class TwoCases:
    """Ids of the cast and of every item, by case number."""

    x: int = 0
    partner: dict[int, int] = field(default_factory=dict)
    counselor: dict[int, int] = field(default_factory=dict)
    case: dict[int, int] = field(default_factory=dict)
    entries: dict[int, list[int]] = field(default_factory=dict)
    x_entry: dict[int, int] = field(default_factory=dict)
    moments: dict[datetime, int] = field(default_factory=dict)  # entry written at -> case
    assignment: dict[int, int] = field(default_factory=dict)
    partner_recipient: dict[int, int] = field(default_factory=dict)
    exercise: dict[int, int] = field(default_factory=dict)
    session: dict[int, int] = field(default_factory=dict)
    check_in: dict[int, int] = field(default_factory=dict)
    emails: dict[int, str] = field(default_factory=dict)

    def canaries(self, case: int) -> set[str]:
        """Every text of client writing that belongs to ``case`` only."""
        return {canary(kind, case) for kind in ("xentry", "pentry", "xanswer")}


def _user(role: Role, name: str) -> User:
    user = User(
        email=f"{name.lower()}@two-cases.test",
        name=f"Person {name}",
        role=role,
        password_hash=_password_hash(_password()),
    )
    db.session.add(user)
    db.session.flush()
    return user


def _password() -> str:
    from tests.conftest import TEST_PASSWORD

    return TEST_PASSWORD


def _entry(case_id: int, author: User, title: str, mood: int, when: datetime) -> JournalEntry:
    entry = JournalEntry(
        case_id=case_id,
        author_id=author.id,
        visibility=Visibility.COUNSELOR_AND_PARTNER,
        status=ResponseStatus.SUBMITTED,
        mood=mood,
        created_at=when,
        shared_at=when + timedelta(minutes=1),
    )
    entry.title = title
    entry.body = f"Body of {title}"
    entry.tags = []
    db.session.add(entry)
    db.session.flush()
    return entry


def build_two_cases(app: Flask, *, same_counselor: bool) -> TwoCases:
    """Create the cast and the items of both cases in one transaction."""
    world = TwoCases()
    now = utcnow()
    with app.app_context():
        x = _user(Role.CLIENT, "X")
        world.x = x.id
        world.emails[0] = x.email
        first_counselor = _user(Role.COUNSELOR, "C1")
        for n in CASES:
            counselor = (
                first_counselor if n == 1 or same_counselor else _user(Role.COUNSELOR, f"C{n}")
            )
            partner = _user(Role.CLIENT, f"P{n}")
            case = Case(
                label=f"Case number {n}",
                kind=CaseKind.COUPLE,
                status=CaseStatus.ACTIVE,
                counselor_id=counselor.id,
            )
            db.session.add(case)
            db.session.flush()
            # X is partner A of case 1 and partner B of case 2: memberships made directly.
            roles = (MemberRole.PARTNER_A, MemberRole.PARTNER_B)
            x_role, p_role = roles if n == 1 else roles[::-1]
            db.session.add(CaseMember(case_id=case.id, user_id=x.id, role=x_role))
            db.session.add(CaseMember(case_id=case.id, user_id=partner.id, role=p_role))
            world.case[n], world.partner[n], world.counselor[n] = case.id, partner.id, counselor.id
            world.emails[n] = partner.email

            x_when = now - timedelta(days=3 * n)
            p_when = now - timedelta(days=3 * n + 1)
            x_entry = _entry(case.id, x, canary("xentry", n), mood=n, when=x_when)
            p_entry = _entry(case.id, partner, canary("pentry", n), mood=3 + n, when=p_when)
            world.entries[n] = [x_entry.id, p_entry.id]
            world.x_entry[n] = x_entry.id
            world.moments.update({x_when: n, p_when: n})

            _, exercise = _module(None, f"two-cases-{n}", f"Module of case {n}")
            assignment = Assignment(
                case_id=case.id,
                module_version_id=exercise.version_id,
                assigned_by_id=counselor.id,
                note="",
            )
            db.session.add(assignment)
            db.session.flush()
            recipients = {}
            for user in (x, partner):
                recipient = AssignmentRecipient(
                    assignment_id=assignment.id, user_id=user.id, status=AssignmentStatus.SUBMITTED
                )
                db.session.add(recipient)
                db.session.flush()
                recipients[user.id] = recipient
            answer = Response(
                recipient_id=recipients[x.id].id,
                exercise_id=exercise.id,
                status=ResponseStatus.SUBMITTED,
                visibility=Visibility.COUNSELOR_AND_PARTNER,
                submitted_at=now,
            )
            answer.answer = {"text": canary("xanswer", n)}
            db.session.add(answer)
            world.assignment[n] = assignment.id
            world.partner_recipient[n] = recipients[partner.id].id
            world.exercise[n] = exercise.id

            session = CounselingSession(
                case_id=case.id, counselor_id=counselor.id, starts_at=now - timedelta(days=n)
            )
            db.session.add(session)
            db.session.flush()
            for user in (x, partner):
                db.session.add(SessionAttendee(session_id=session.id, user_id=user.id))
            note = SessionNote(session_id=session.id, format=NoteFormat.SOAP)
            note.sections = {}
            db.session.add(note)
            db.session.add(SessionJournalPick(session_id=session.id, entry_id=x_entry.id))
            world.session[n] = session.id

            check_in = CheckIn(
                case_id=case.id,
                user_id=x.id,
                satisfaction=n,
                communication=n,
                closeness=n,
                hope=n,
                created_at=now - timedelta(days=n),
            )
            db.session.add(check_in)
            db.session.flush()
            world.check_in[n] = check_in.id
        # A forged pick: case 1's session pointing at case 2's entry, and the other way round.
        db.session.add(SessionJournalPick(session_id=world.session[1], entry_id=world.x_entry[2]))
        db.session.add(SessionJournalPick(session_id=world.session[2], entry_id=world.x_entry[1]))
        db.session.commit()
    return world


def other(case: int) -> int:
    """The other case's number."""
    return 2 if case == 1 else 1
