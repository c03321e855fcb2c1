"""app.policy.announcements: who may be told of what (docs/security.md NT-1), deny by default."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    AssignmentRecipient,
    CaseMember,
    CaseStatus,
    CheckIn,
    Response,
    ResponseStatus,
    Visibility,
    utcnow,
)
from app.policy.announcements import may_be_told
from app.services import journal as journal_service


@pytest.fixture
def things(app, couple, give):
    """A's entry and answer at each level, A's check-in, and each partner's copy."""
    given = give(couple.case, [couple.a, couple.b])
    ids: dict[str, int] = {"copy_a": given.recipient_a, "copy_b": given.recipient_b}
    with app.app_context():
        for level in Visibility:
            entry = journal_service.new_entry(couple.a, couple.case.id)
            entry.status, entry.visibility = ResponseStatus.SUBMITTED, level
            db.session.add(entry)
            db.session.flush()
            ids[f"entry_{level.value}"] = entry.id
        for index, level in enumerate(Visibility):
            response = Response(
                recipient_id=given.recipient_a,
                exercise_id=given.exercise_ids[index],
                status=ResponseStatus.SUBMITTED,
                visibility=level,
            )
            response.answer = {"text": "x"}
            db.session.add(response)
            db.session.flush()
            ids[f"answer_{level.value}"] = response.id
        check_in = CheckIn(case_id=couple.case.id, user_id=couple.a.id)
        check_in.scores = {"satisfaction": 5, "communication": 5, "closeness": 5, "hope": 5}
        db.session.add(check_in)
        db.session.flush()
        ids["check_in"] = check_in.id
        copy = db.session.get(AssignmentRecipient, given.recipient_a)
        copy.feedback = "Thank you."
        db.session.commit()
    return ids


def told(app, user, case, about_type: str, about_id: int) -> bool:
    with app.app_context():
        return may_be_told(user.id, case.id, about_type, about_id)


CASES = [
    # (who, about type, thing, expected)
    ("a", "assignment_recipient", "copy_a", True),
    ("b", "assignment_recipient", "copy_a", False),  # never of the partner's copy
    ("b", "assignment_recipient", "copy_b", True),
    ("a", "assignment_feedback", "copy_a", True),
    ("b", "assignment_feedback", "copy_b", False),  # no feedback on it
    ("counselor", "assignment_recipient", "copy_a", False),
    ("a", "journal_entry", "entry_private", True),  # the author (a comment on it)
    ("b", "journal_entry", "entry_counselor_and_partner", False),  # the partner: never
    ("b", "journal_entry", "entry_private", False),
    ("counselor", "journal_entry", "entry_private", False),
    ("counselor", "journal_entry", "entry_counselor", True),
    ("counselor", "journal_entry", "entry_counselor_and_partner", True),
    ("counselor", "response", "answer_private", False),
    ("counselor", "response", "answer_counselor", True),
    ("b", "response", "answer_counselor_and_partner", False),
    ("a", "response", "answer_counselor", False),
    ("counselor", "check_in", "check_in", True),
    ("b", "check_in", "check_in", False),
    ("counselor", "something_else", "check_in", False),
]


@pytest.mark.parametrize(("who", "about_type", "thing", "expected"), CASES)
def test_who_may_be_told(app, couple, things, who, about_type, thing, expected):
    user = getattr(couple, who)
    assert told(app, user, couple.case, about_type, things[thing]) is expected


@pytest.mark.parametrize("about_type", ["journal_entry", "response", "check_in"])
def test_another_counselor_and_the_admin_are_told_nothing(app, couple, things, factory, about_type):
    thing = {"journal_entry": "entry_counselor", "response": "answer_counselor"}.get(
        about_type, "check_in"
    )
    for outsider in (factory.counselor(), factory.admin()):
        assert not told(app, outsider, couple.case, about_type, things[thing])


def test_a_thing_is_only_ever_about_its_own_case(app, couple, things, factory):
    other_case = factory.case(couple.counselor, [couple.a])  # same people, another case
    assert not told(app, couple.counselor, other_case, "journal_entry", things["entry_counselor"])
    assert not told(app, couple.a, other_case, "assignment_recipient", things["copy_a"])


def test_a_closed_case_tells_nobody(app, couple, things):
    with app.app_context():
        db.session.get(type(couple.case), couple.case.id).status = CaseStatus.CLOSED
        db.session.commit()
    assert not told(app, couple.counselor, couple.case, "journal_entry", things["entry_counselor"])
    assert not told(app, couple.a, couple.case, "assignment_recipient", things["copy_a"])


def test_an_erased_member_is_told_nothing_and_their_check_in_tells_nothing(app, couple, things):
    with app.app_context():
        member = db.session.scalar(
            sa.select(CaseMember).where(
                CaseMember.case_id == couple.case.id, CaseMember.user_id == couple.a.id
            )
        )
        member.erased_at = utcnow()
        db.session.commit()
    assert not told(app, couple.a, couple.case, "assignment_recipient", things["copy_a"])
    assert not told(app, couple.a, couple.case, "journal_entry", things["entry_private"])
    assert not told(app, couple.counselor, couple.case, "check_in", things["check_in"])


def test_an_assignment_taken_back_tells_nobody(app, couple, things):
    from app.models import Assignment

    with app.app_context():
        copy = db.session.get(AssignmentRecipient, things["copy_a"])
        db.session.get(Assignment, copy.assignment_id).removed_at = utcnow()
        db.session.commit()
    assert not told(app, couple.a, couple.case, "assignment_recipient", things["copy_a"])
    assert not told(app, couple.counselor, couple.case, "response", things["answer_counselor"])


def test_missing_ids_tell_nobody(app, couple):
    with app.app_context():
        assert not may_be_told(couple.a.id, None, "assignment_recipient", 1)
        assert not may_be_told(couple.a.id, couple.case.id, "assignment_recipient", None)
        assert not may_be_told(couple.a.id, couple.case.id, None, 1)
        assert not may_be_told(couple.a.id, couple.case.id, "journal_entry", 999_999)
