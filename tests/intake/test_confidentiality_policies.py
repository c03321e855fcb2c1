"""For each confidentiality policy: exactly which items reach the joint-session PDFs and the
other partner, and which never do. (The joint message thread belongs to the messages feature;
its hook is ``app.policy.confidentiality.private_message_may_reach_joint``.)"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app import policy
from app.extensions import db
from app.models import (
    ConfidentialityPolicy,
    CounselingSession,
    Exercise,
    ExerciseKind,
    Response,
    ResponseStatus,
    SessionKind,
    User,
    Visibility,
)
from tests.pdf.helpers import fetch_pdf, give_homework, pdf_text
from tests.sessions.conftest import SessionBuilder

PRIVATE_HOMEWORK = "Private-homework"  # short: table cells wrap, and columns interleave
JOINT_HOMEWORK = "Joint-homework"
PRIVATE_ANSWER = "PRIVATE-ANSWER written for the individual session"
JOINT_ANSWER = "JOINT-ANSWER shared with my partner"
INDIVIDUAL_NOTE = "INDIVIDUAL-NOTE from a session alone"

# policy (None: not chosen yet), author's agreement -> (private items reach joint work?)
CASES = [
    (None, False, False),
    (ConfidentialityPolicy.SECRETS_KEPT, False, False),
    (ConfidentialityPolicy.SECRETS_KEPT, True, False),  # agreement changes nothing here
    (ConfidentialityPolicy.LIMITED_SECRETS, False, False),
    (ConfidentialityPolicy.LIMITED_SECRETS, True, True),
    (ConfidentialityPolicy.NO_SECRETS, False, True),
]


def _answer(app, assignment_title: str, author: User, text: str) -> None:
    """The author's sent answer, shared with the counselor and the partner."""
    from app.models import Assignment, AssignmentRecipient, ModuleVersion

    with app.app_context():
        assignment = db.session.scalar(
            sa.select(Assignment)
            .join(ModuleVersion, ModuleVersion.id == Assignment.module_version_id)
            .where(ModuleVersion.title == assignment_title)
        )
        exercise = Exercise(
            version_id=assignment.module_version_id,
            position=1,
            kind=ExerciseKind.REFLECTION,
            title="Reflect",
            prompt="Write",
            config={},
        )
        db.session.add(exercise)
        db.session.flush()
        recipient = db.session.scalar(
            sa.select(AssignmentRecipient).where(
                AssignmentRecipient.assignment_id == assignment.id,
                AssignmentRecipient.user_id == author.id,
            )
        )
        response = Response(
            recipient_id=recipient.id,
            exercise_id=exercise.id,
            status=ResponseStatus.SUBMITTED,
            visibility=Visibility.COUNSELOR_AND_PARTNER,
        )
        response.answer = {"text": text}
        db.session.add(response)
        db.session.commit()


@pytest.fixture
def world(app, couple, intake):
    counselor, case, a, b = couple
    build = SessionBuilder(app)
    individual = build.session(
        case, attendees=[a], sections={"data": INDIVIDUAL_NOTE, "focus": INDIVIDUAL_NOTE}
    )
    joint = build.session(case, attendees=[a, b], sections={"data": "Joint work."})
    with app.app_context():
        db.session.get_one(CounselingSession, individual).kind = SessionKind.INDIVIDUAL
        db.session.commit()
    give_homework(app, case, individual, [a], title=PRIVATE_HOMEWORK)
    give_homework(app, case, joint, [a, b], title=JOINT_HOMEWORK)
    _answer(app, PRIVATE_HOMEWORK, a, PRIVATE_ANSWER)
    _answer(app, JOINT_HOMEWORK, a, JOINT_ANSWER)
    return counselor, case, a, b, joint


def _partner_reads_answers(app, b, case) -> list[str]:
    with app.app_context():
        viewer = db.session.get_one(User, b.id)
        rows = db.session.scalars(
            sa.select(Response).where(policy.readable_by_partner(policy.ANSWER, viewer, case.id))
        )
        return sorted(r.answer["text"] for r in rows)


def _agree(app, case, a, title: str) -> None:
    from app.models import Assignment, DisclosureAnswer, DisclosureRequest, ModuleVersion, utcnow

    with app.app_context():
        assignment_id = db.session.scalar(
            sa.select(Assignment.id)
            .join(ModuleVersion, ModuleVersion.id == Assignment.module_version_id)
            .where(ModuleVersion.title == title)
        )
        db.session.add(
            DisclosureRequest(
                case_id=case.id,
                author_id=a.id,
                item_kind="assignment",
                item_id=assignment_id,
                answer=DisclosureAnswer.AGREED,
                answered_at=utcnow(),
            )
        )
        db.session.commit()


@pytest.mark.parametrize(("rule", "agreed", "reaches"), CASES)
def test_what_reaches_the_joint_pdf_and_the_other_partner(
    app, world, intake, login_as, rule, agreed, reaches
):
    counselor, case, a, b, joint = world
    if rule is not None:
        intake.set_policy(case, counselor, rule)
    if agreed:
        _agree(app, case, a, PRIVATE_HOMEWORK)
    http = login_as(counselor)
    clinician = pdf_text(
        fetch_pdf(http, f"/cases/{case.id}/sessions/{joint}/summary.pdf?copy=clinician").data
    )
    client = pdf_text(
        fetch_pdf(http, f"/cases/{case.id}/sessions/{joint}/summary.pdf?copy=client").data
    )
    # Joint work always reaches the joint PDFs and the partner.
    assert JOINT_HOMEWORK in clinician and JOINT_HOMEWORK in client
    # The notes of an individual session never reach a joint session's PDFs, whatever the policy.
    assert INDIVIDUAL_NOTE not in clinician and INDIVIDUAL_NOTE not in client
    # The private homework reaches the joint clinician copy and the partner only when allowed.
    assert (PRIVATE_HOMEWORK in clinician) is reaches
    assert PRIVATE_HOMEWORK not in client  # the client copy lists this session's homework only
    expected = sorted([JOINT_ANSWER, PRIVATE_ANSWER] if reaches else [JOINT_ANSWER])
    assert _partner_reads_answers(app, b, case) == expected
    # The author and the counselor always read the author's own answers.
    with app.app_context():
        viewer = db.session.get_one(User, counselor.id)
        texts = {
            r.answer["text"]
            for r in db.session.scalars(
                sa.select(Response).where(policy.readable_by_counselor(policy.ANSWER, viewer, case))
            )
        }
    assert texts == {JOINT_ANSWER, PRIVATE_ANSWER}


@pytest.mark.parametrize(
    ("rule", "reminded"),
    [
        (ConfidentialityPolicy.NO_SECRETS, True),
        (ConfidentialityPolicy.LIMITED_SECRETS, False),
        (ConfidentialityPolicy.SECRETS_KEPT, False),
    ],
)
def test_no_secrets_reminds_the_author_before_they_write(
    app, world, intake, login_as, rule, reminded
):
    counselor, case, a, _b, _joint = world
    intake.set_policy(case, counselor, rule)
    from app.models import Assignment, AssignmentRecipient, ModuleVersion

    with app.app_context():
        recipient_id, exercise_id = db.session.execute(
            sa.select(AssignmentRecipient.id, Exercise.id)
            .join(Assignment, Assignment.id == AssignmentRecipient.assignment_id)
            .join(ModuleVersion, ModuleVersion.id == Assignment.module_version_id)
            .join(Exercise, Exercise.version_id == ModuleVersion.id)
            .where(ModuleVersion.title == PRIVATE_HOMEWORK, AssignmentRecipient.user_id == a.id)
        ).one()
    page = login_as(a).get(f"/me/exercises/{recipient_id}/{exercise_id}").get_data(as_text=True)
    assert ("may be brought into your joint sessions" in page) is reminded


def test_limited_secrets_only_the_authors_recorded_agreement_brings_an_item_in(
    app, world, intake, login_as
):
    counselor, case, a, b, _joint = world
    intake.set_policy(case, counselor, ConfidentialityPolicy.LIMITED_SECRETS)
    from app.intake.disclosures import private_homework

    with app.app_context():
        [(assignment, author_id)] = private_homework(case.id)
        assignment_id = assignment.id
    assert author_id == a.id
    http = login_as(counselor)
    assert http.post(f"/cases/{case.id}/intake/disclosures/{assignment_id}").status_code == 303
    assert _partner_reads_answers(app, b, case) == [JOINT_ANSWER]
    # The partner cannot answer for the author; the author sees the question on their home.
    home = login_as(a).get("/me").get_data(as_text=True)
    assert "A question from your counselor" in home
    assert "A question from your counselor" not in login_as(b).get("/me").get_data(as_text=True)
    from app.models import DisclosureRequest

    with app.app_context():
        request_id = db.session.scalar(sa.select(DisclosureRequest.id))
    assert (
        login_as(b).post(f"/me/disclosures/{request_id}", data={"answer": "agree"}).status_code
        == 404
    )
    assert _partner_reads_answers(app, b, case) == [JOINT_ANSWER]
    login_as(a).post(f"/me/disclosures/{request_id}", data={"answer": "agree"})
    assert _partner_reads_answers(app, b, case) == sorted([JOINT_ANSWER, PRIVATE_ANSWER])
    with app.app_context():
        row = db.session.get_one(DisclosureRequest, request_id)
        assert (row.author_id, row.item_id, row.answer.value) == (a.id, assignment_id, "agreed")
        assert row.answered_at is not None and row.asked_by_id == counselor.id
