"""The privacy scenario: two couples, two counselors, an admin, and canaries everywhere.

Case 1 is the Rivera-like couple A and B of counselor C; case 2 is the couple X and Y of the
other counselor O. Every private item carries a unique canary string, and ``CANARY_READERS``
says who may ever see it. The records are made with the models directly, so the scenario does
not depend on the feature routes it is used to test.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
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
    CounselingSession,
    Exercise,
    MemberRole,
    Message,
    MessageThread,
    NoteFormat,
    ProcessNote,
    Role,
    SessionAttendee,
    SessionNote,
    User,
    Visibility,
    utcnow,
)
from tests.factories import _password_hash
from tests.security.intake_scenario import add_intake
from tests.security.scenario_records import (
    _answer,
    _appointment,
    _entry,
    _invitation,
    _module,
    _pdf_job,
)

#: The roles of the authorization matrix (docs/security.md "Test roles").
ROLES = ("anonymous", "A", "B", "X", "C", "O", "M")
ROLE_NAMES = {
    "anonymous": "anonymous",
    "A": "client A",
    "B": "partner B",
    "X": "client X of another case",
    "C": "the case counselor",
    "O": "another counselor",
    "M": "admin",
}

#: canary name -> the roles allowed to see it anywhere.
CANARY_READERS: dict[str, frozenset[str]] = {
    "a_private_entry": frozenset({"A"}),
    "b_private_entry": frozenset({"B"}),
    "b_entry_for_counselor": frozenset({"B", "C"}),
    "a_entry_for_both": frozenset({"A", "B", "C"}),
    "b_answer_counselor_only": frozenset({"B", "C"}),
    "b_answer_private": frozenset({"B"}),
    "a_answer_shared": frozenset({"A", "B", "C"}),
    "c_note_assessment": frozenset({"C"}),
    "c_process_note": frozenset({"C"}),
    "x_private_entry": frozenset({"X"}),
    "x_entry_for_counselor": frozenset({"X", "O"}),
    "x_answer_counselor_only": frozenset({"X", "O"}),
    "o_process_note": frozenset({"O"}),
    "o_note_assessment": frozenset({"O"}),
    "b_private_message": frozenset({"B", "C"}),
    "a_joint_message": frozenset({"A", "B", "C"}),
    "x_private_message": frozenset({"X", "O"}),
}


def canary_text(name: str, token: str) -> str:
    """A unique, searchable string (letters only, so escaping never changes it)."""
    return f"CANARY{name.replace('_', '').upper()}{token}"


@dataclass
class World:
    """Ids of everything in the scenario, and the canary strings."""

    users: dict[str, int] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)
    canaries: dict[str, str] = field(default_factory=dict)

    def forbidden_canaries(self, role: str) -> dict[str, str]:
        """The canaries ``role`` must never see: name -> text."""
        return {
            name: text for name, text in self.canaries.items() if role not in CANARY_READERS[name]
        }


def _user(world: World, key: str, role: Role, token: str) -> User:
    user = User(
        email=f"{key.lower()}-{token.lower()}@example.test",
        name=f"Person {key}",
        role=role,
        password_hash=_password_hash(_test_password()),
    )
    db.session.add(user)
    db.session.flush()
    world.users[key] = user.id
    world.emails[key] = user.email
    return user


def _test_password() -> str:
    from tests.conftest import TEST_PASSWORD

    return TEST_PASSWORD


def _couple_case(
    world: World, prefix: str, counselor: User, one: User, two: User, label: str
) -> Case:
    case = Case(
        label=label, kind=CaseKind.COUPLE, status=CaseStatus.ACTIVE, counselor_id=counselor.id
    )
    db.session.add(case)
    db.session.flush()
    for user, role, key in ((one, MemberRole.PARTNER_A, "a"), (two, MemberRole.PARTNER_B, "b")):
        member = CaseMember(case_id=case.id, user_id=user.id, role=role)
        db.session.add(member)
        db.session.flush()
        world.ids[f"{prefix}_member_{key}"] = member.id
    world.ids[f"{prefix}_case"] = case.id
    return case


def _assignment(
    world: World, prefix: str, case: Case, exercise: Exercise, counselor: User, users: list[User]
) -> dict[int, AssignmentRecipient]:
    assignment = Assignment(
        case_id=case.id, module_version_id=exercise.version_id, assigned_by_id=counselor.id, note=""
    )
    db.session.add(assignment)
    db.session.flush()
    world.ids[f"{prefix}_assignment"] = assignment.id
    recipients = {}
    for index, user in enumerate(users):
        recipient = AssignmentRecipient(
            assignment_id=assignment.id, user_id=user.id, status=AssignmentStatus.SUBMITTED
        )
        db.session.add(recipient)
        db.session.flush()
        world.ids[f"{prefix}_recipient_{index}"] = recipient.id
        recipients[user.id] = recipient
    return recipients


def _session(
    world: World,
    prefix: str,
    case: Case,
    counselor: User,
    attendees: list[User],
    note: str,
    process: str,
) -> CounselingSession:
    session = CounselingSession(
        case_id=case.id, counselor_id=counselor.id, starts_at=utcnow() - timedelta(days=1)
    )
    db.session.add(session)
    db.session.flush()
    for user in attendees:
        db.session.add(SessionAttendee(session_id=session.id, user_id=user.id))
    session_note = SessionNote(session_id=session.id, format=NoteFormat.SOAP)
    session_note.sections = {
        "subjective": "They talked about the week.",
        "objective": "Calm.",
        "assessment": note,
        "plan": "Keep practising.",
        "focus": "Listening to each other.",
        "next_steps": "One kind message a day.",
    }
    db.session.add(session_note)
    process_note = ProcessNote(session_id=session.id, author_id=counselor.id)
    process_note.body = process
    db.session.add(process_note)
    db.session.flush()
    world.ids[f"{prefix}_session"] = session.id
    return session


def _messages(world: World, case1: Case, case2: Case, a: User, b: User, x: User) -> None:
    """Each case's threads; canaries in B's and X's private threads and in case 1's joint one."""
    from app.messages.thread_setup import ensure_threads, memberships_in

    ensure_threads([(case1, memberships_in(case1)), (case2, memberships_in(case2))])
    threads = {(t.case_id, t.slot): t for t in db.session.scalars(sa.select(MessageThread))}
    ids, c = world.ids, world.canaries
    for key, case, user in (("a", case1, a), ("b", case1, b), ("x", case2, x)):
        ids[f"{key}_private_thread"] = threads[(case.id, f"private-{user.id}")].id
    ids["case1_joint_thread"] = threads[(case1.id, "joint")].id
    ids["case2_joint_thread"] = threads[(case2.id, "joint")].id
    for name, thread_key, author in (
        ("b_private_message", "b_private_thread", b),
        ("a_joint_message", "case1_joint_thread", a),
        ("x_private_message", "x_private_thread", x),
        ("x_joint_message", "case2_joint_thread", x),
    ):
        message = Message(thread_id=ids[thread_key], author_id=author.id, body=c.get(name, name))
        db.session.add(message)
        db.session.flush()
        thread = db.session.get(MessageThread, ids[thread_key])
        thread.last_message_id, thread.last_message_at = message.id, utcnow()
        thread.needs_reply = True
        ids[name] = message.id


def build_world(app: Flask, marker: str = "Q") -> World:
    """Create the whole scenario in one transaction and return its ids and canaries."""
    world = World()
    world.canaries = {name: canary_text(name, marker) for name in CANARY_READERS}
    c = world.canaries
    with app.app_context():
        a = _user(world, "A", Role.CLIENT, marker)
        b = _user(world, "B", Role.CLIENT, marker)
        x = _user(world, "X", Role.CLIENT, marker)
        y = _user(world, "Y", Role.CLIENT, marker)
        counselor = _user(world, "C", Role.COUNSELOR, marker)
        other = _user(world, "O", Role.COUNSELOR, marker)
        _user(world, "M", Role.ADMIN, marker)

        builtin, exercise = _module(None, f"builtin-{marker.lower()}", "Appreciation week")
        own_c, _ = _module(counselor, None, "C's own module")
        own_o, _ = _module(other, None, "O's own module")
        world.ids.update(
            builtin_module=builtin.id,
            c_module=own_c.id,
            o_module=own_o.id,
            exercise=exercise.id,
        )

        case1 = _couple_case(world, "case1", counselor, a, b, "Couple one")
        case2 = _couple_case(world, "case2", other, x, y, "Couple two")

        ids = world.ids
        ids["a_private_entry"] = _entry(case1, a, c["a_private_entry"], Visibility.PRIVATE).id
        ids["b_private_entry"] = _entry(case1, b, c["b_private_entry"], Visibility.PRIVATE).id
        ids["b_entry_for_counselor"] = _entry(
            case1, b, c["b_entry_for_counselor"], Visibility.COUNSELOR
        ).id
        ids["a_entry_for_both"] = _entry(
            case1, a, c["a_entry_for_both"], Visibility.COUNSELOR_AND_PARTNER
        ).id
        ids["x_private_entry"] = _entry(case2, x, c["x_private_entry"], Visibility.PRIVATE).id
        ids["x_entry_for_counselor"] = _entry(
            case2, x, c["x_entry_for_counselor"], Visibility.COUNSELOR
        ).id

        recipients1 = _assignment(world, "case1", case1, exercise, counselor, [a, b])
        ids["a_recipient"] = recipients1[a.id].id
        ids["b_recipient"] = recipients1[b.id].id
        _answer(recipients1[a.id], exercise, c["a_answer_shared"], Visibility.COUNSELOR_AND_PARTNER)
        _answer(recipients1[b.id], exercise, c["b_answer_counselor_only"], Visibility.COUNSELOR)
        recipients2 = _assignment(world, "case2", case2, exercise, other, [x, y])
        ids["x_recipient"] = recipients2[x.id].id
        _answer(recipients2[x.id], exercise, c["x_answer_counselor_only"], Visibility.COUNSELOR)
        # B's private answer lives on a second assignment, so each recipient has one answer.
        private = _assignment(world, "case1_private", case1, exercise, counselor, [b])
        _answer(private[b.id], exercise, c["b_answer_private"], Visibility.PRIVATE)

        _session(
            world, "case1", case1, counselor, [a, b], c["c_note_assessment"], c["c_process_note"]
        )
        _session(world, "case2", case2, other, [x, y], c["o_note_assessment"], c["o_process_note"])
        # Invitations waiting for an answer: one to a place in each case (nobody can accept it,
        # an address of no account), and one for A from O, one for X from C.
        ids["case1_place_invitation"] = _invitation(case1, None, counselor, marker).id
        ids["case2_place_invitation"] = _invitation(case2, None, other, marker).id
        ids["a_case_invitation"] = _invitation(case2, a, other, marker).id
        ids["x_case_invitation"] = _invitation(case1, x, counselor, marker).id
        for key, case, owner, people in (
            ("case1_appointment", case1, counselor, [a, b]),
            ("case2_appointment", case2, other, [x, y]),
            ("a_appointment", case1, counselor, [a]),
            ("x_appointment", case2, other, [x]),
        ):
            ids[key] = _appointment(case, owner, people, len(ids)).id
        ids["a_pdf_job"] = _pdf_job(a).token
        ids["x_pdf_job"] = _pdf_job(x).token
        _messages(world, case1, case2, a, b, x)
        add_intake(world, case1, case2, {"A": a, "B": b, "X": x, "Y": y})
        db.session.commit()
    return world
