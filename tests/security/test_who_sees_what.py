"""The "Who sees what" table (docs/security.md) as one test over ``app.policy``.

Each row is an item of client A's writing in case 1 (couple A and B, counselor C); each column
a reader: the author, the partner, the case counselor, another counselor, the practice admin and
a client of another case. For every cell the SQL criteria (run against the database, for the
item's case and for every case of the reader) and the check of one loaded item must agree with
the table. Drafts reach nobody but their author; the counselor's comments reach whoever may
read the entry; feedback reaches its client and the case counselor.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import joinedload

from app import policy
from app.extensions import db
from app.models import (
    Assignment,
    AssignmentRecipient,
    Case,
    CaseKind,
    CaseMember,
    JournalComment,
    JournalEntry,
    MemberRole,
    Response,
    ResponseStatus,
    Role,
    StrategyModule,
    User,
    Visibility,
)
from app.policy import ANSWER, EVERY_CASE, JOURNAL
from tests.factories import _password_hash
from tests.security.scenario_records import _module

READERS = ("author", "partner", "case counselor", "other counselor", "admin", "other client")
SENT, DRAFT = ResponseStatus.SUBMITTED, ResponseStatus.DRAFT
P, C, CP = Visibility.PRIVATE, Visibility.COUNSELOR, Visibility.COUNSELOR_AND_PARTNER
yes, no = True, False

#: (kind, audience, status): who may read it, in the order of READERS.
TABLE = {
    ("journal entry", P, SENT): (yes, no, no, no, no, no),
    ("journal entry", C, SENT): (yes, no, yes, no, no, no),
    ("journal entry", CP, SENT): (yes, yes, yes, no, no, no),
    ("journal entry", CP, DRAFT): (yes, no, no, no, no, no),
    ("exercise answer", P, SENT): (yes, no, no, no, no, no),
    ("exercise answer", C, SENT): (yes, no, yes, no, no, no),
    ("exercise answer", CP, SENT): (yes, yes, yes, no, no, no),
    ("exercise answer", CP, DRAFT): (yes, no, no, no, no, no),
}
KINDS = {"journal entry": JOURNAL, "exercise answer": ANSWER}
CELLS = [
    pytest.param(row, reader, allowed[i], id=f"{row[0]}-{row[1]}-{row[2]}-{reader}")
    for row, allowed in TABLE.items()
    for i, reader in enumerate(READERS)
]


@dataclass
class Cast:
    """Ids of the readers, the two cases and A's items."""

    users: dict[str, int]
    case: int
    other_case: int
    items: dict[tuple[str, Visibility, ResponseStatus], int]
    comments: dict[tuple[str, Visibility, ResponseStatus], int]
    recipient: int


def _user(role: Role, name: str) -> User:
    user = User(
        email=f"{name}@who-sees-what.test",
        name=name,
        role=role,
        password_hash=_password_hash("not used"),
    )
    db.session.add(user)
    db.session.flush()
    return user


def _case(counselor: User, members: list[User]) -> Case:
    case = Case(label=f"Case of {counselor.name}", kind=CaseKind.COUPLE, counselor_id=counselor.id)
    db.session.add(case)
    db.session.flush()
    for user, role in zip(members, (MemberRole.PARTNER_A, MemberRole.PARTNER_B), strict=True):
        db.session.add(CaseMember(case_id=case.id, user_id=user.id, role=role))
    db.session.flush()
    return case


@pytest.fixture
def cast(app: Flask) -> Iterator[Cast]:
    """Case 1 (A, B; counselor C), case 2 (X, Y; counselor O), an admin, and A's items."""
    with app.app_context():
        a, b = _user(Role.CLIENT, "a"), _user(Role.CLIENT, "b")
        x, y = _user(Role.CLIENT, "x"), _user(Role.CLIENT, "y")
        c, o = _user(Role.COUNSELOR, "c"), _user(Role.COUNSELOR, "o")
        admin = _user(Role.ADMIN, "m")
        case, other_case = _case(c, [a, b]), _case(o, [x, y])
        _, exercise = _module(None, "who-sees-what", "A practice")
        items, comments = {}, {}
        for kind, visibility, status in TABLE:
            if kind == "journal entry":
                item = JournalEntry(
                    case_id=case.id, author_id=a.id, visibility=visibility, status=status
                )
                item.title, item.body, item.tags = "An entry", "Text", []
                db.session.add(item)
                db.session.flush()
                comment = JournalComment(entry_id=item.id, author_id=c.id)
                comment.body = "A comment"
                db.session.add(comment)
                db.session.flush()
                comments[(kind, visibility, status)] = comment.id
            else:
                # One assignment per answer, so each recipient holds a single answer.
                assignment = Assignment(
                    case_id=case.id, module_version_id=exercise.version_id, note=""
                )
                db.session.add(assignment)
                db.session.flush()
                recipient = AssignmentRecipient(assignment_id=assignment.id, user_id=a.id)
                recipient.feedback = "Well done"
                db.session.add(recipient)
                db.session.flush()
                item = Response(
                    recipient_id=recipient.id,
                    exercise_id=exercise.id,
                    visibility=visibility,
                    status=status,
                )
                item.answer = {"text": "An answer"}
                db.session.add(item)
                db.session.flush()
            items[(kind, visibility, status)] = item.id
        db.session.commit()
        users = dict(zip(READERS, (a.id, b.id, c.id, o.id, admin.id, x.id), strict=True))
        built = Cast(users, case.id, other_case.id, items, comments, recipient.id)
    yield built
    with app.app_context():
        db.session.execute(sa.update(StrategyModule).values(current_version_id=None))
        db.session.commit()


def _sql_reads(model, criterion, item_id: int) -> bool:
    query = sa.select(model.id).where(model.id == item_id, criterion)
    return db.session.scalar(query) is not None


def _loaded(kind: str, item_id: int) -> JournalEntry | Response:
    if kind == "journal entry":
        return db.session.get(JournalEntry, item_id)
    return db.session.scalar(
        sa.select(Response)
        .where(Response.id == item_id)
        .options(joinedload(Response.recipient).joinedload(AssignmentRecipient.assignment))
    )


@pytest.mark.parametrize(("row", "reader", "allowed"), CELLS)
def test_who_sees_what(app, cast, row, reader, allowed):
    kind_name = row[0]
    kind = KINDS[kind_name]
    model = JournalEntry if kind is JOURNAL else Response
    item_id = cast.items[row]
    with app.app_context():
        viewer = db.session.get(User, cast.users[reader])
        case = db.session.get(Case, cast.case)
        other_case = db.session.get(Case, cast.other_case)
        answers = {
            "SQL, the item's case": _sql_reads(
                model, policy.readable_by(kind, viewer, case), item_id
            ),
            "SQL, the case by id": _sql_reads(
                model, policy.readable_by(kind, viewer, case.id), item_id
            ),
            "SQL, every case of the reader": _sql_reads(
                model, policy.readable_by(kind, viewer, EVERY_CASE), item_id
            ),
            "one loaded item": policy.may_read(viewer, case, _loaded(kind_name, item_id)),
        }
        assert answers == dict.fromkeys(answers, allowed)
        # Nothing of case 1 is readable as part of another case, by anyone.
        assert not _sql_reads(model, policy.readable_by(kind, viewer, other_case), item_id)
        assert not policy.may_read(viewer, other_case, _loaded(kind_name, item_id))
        if kind is JOURNAL:
            # The counselor's comment on the entry reaches exactly the entry's readers.
            comment = policy.comments_readable_by(viewer, case)
            assert _sql_reads(JournalComment, comment, cast.comments[row]) is allowed
        else:
            # Feedback on an assignment reaches its client and the case counselor only.
            feedback = policy.feedback_readable_by(viewer, EVERY_CASE)
            reads_feedback = reader in ("author", "case counselor")
            assert _sql_reads(AssignmentRecipient, feedback, cast.recipient) is reads_feedback
