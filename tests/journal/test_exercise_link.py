"""An entry may be linked to one of the author's own exercise answers, and to nothing else."""

import pytest

from app.extensions import db
from app.models import (
    Assignment,
    AssignmentRecipient,
    Exercise,
    ExerciseKind,
    JournalEntry,
    ModuleVersion,
    Response,
    StrategyModule,
)


@pytest.fixture
def answers(app, world):
    """One exercise answered by A and by B: returns (A's response id, B's response id)."""
    with app.app_context():
        module = StrategyModule(is_builtin=False, owner_id=world.counselor.id)
        db.session.add(module)
        db.session.flush()
        version = ModuleVersion(
            module_id=module.id, title="Give each other space", summary="s", introduction="i"
        )
        db.session.add(version)
        db.session.flush()
        exercise = Exercise(
            version_id=version.id, kind=ExerciseKind.REFLECTION, title="Time apart", prompt="p"
        )
        assignment = Assignment(case_id=world.case.id, module_version_id=version.id)
        db.session.add_all([exercise, assignment])
        db.session.flush()
        ids = []
        for user in (world.a, world.b):
            recipient = AssignmentRecipient(assignment_id=assignment.id, user_id=user.id)
            db.session.add(recipient)
            db.session.flush()
            response = Response(recipient_id=recipient.id, exercise_id=exercise.id)
            db.session.add(response)
            db.session.flush()
            ids.append(response.id)
        db.session.commit()
        return tuple(ids)


def test_author_can_link_own_answer(world, login_as, answers, app):
    mine, _ = answers
    client = login_as(world.a)
    page = client.get("/me/journal/new").get_data(as_text=True)
    assert "Give each other space: Time apart" in page
    response = client.post(
        "/me/journal/new",
        data={
            "body": "About the space exercise",
            "visibility": "private",
            "exercise_response_id": str(mine),
            "request_key": "x" * 32,
        },
    )
    assert response.status_code == 302
    with app.app_context():
        entry = db.session.scalar(db.select(JournalEntry))
        assert entry.exercise_response_id == mine
    entry_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "About the exercise: Time apart" in entry_page


def test_partners_answer_cannot_be_linked(world, login_as, answers, count_rows):
    _, theirs = answers
    response = login_as(world.a).post(
        "/me/journal/new",
        data={"body": "x", "visibility": "private", "exercise_response_id": str(theirs)},
    )
    assert response.status_code == 200
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert count_rows(JournalEntry) == 0
