"""Assignments announce once, to the right people only: a new assignment and feedback to the
client whose copy it is; a sent answer to the counselor, if it reaches them."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AssignmentRecipient, Response
from tests.modules.helpers import send
from tests.notifications_ui.conftest import kinds_for, nobody_else, outbox, request_key


def _copies(app, assignment_id: int | None = None) -> dict[int, int]:
    with app.app_context():
        query = sa.select(AssignmentRecipient.user_id, AssignmentRecipient.id)
        if assignment_id is not None:
            query = query.where(AssignmentRecipient.assignment_id == assignment_id)
        return dict(db.session.execute(query).all())


@pytest.mark.parametrize("recipients", ["both", "a"])
def test_a_new_assignment_tells_each_client_of_their_own_copy_once(
    app, couple, people, builtin, login_as, recipients
):
    counselor = login_as(couple.counselor)
    chosen = "both" if recipients == "both" else str(couple.a.id)
    form = {
        "module": builtin["reflect-on-the-relationship"],
        "recipients": chosen,
        "request_key": request_key(),
        "note": "At your own pace.",
    }
    for _ in range(2):  # a double click sends the same form twice
        response = counselor.post(f"/cases/{couple.case.id}/assignments/new", data=form)
        assert response.status_code == 302
    told = [couple.a, couple.b] if recipients == "both" else [couple.a]
    rows = outbox(app, kind="assignments.new")
    copies = _copies(app)
    assert sorted(r.recipient_id for r in rows) == sorted(u.id for u in told)
    for row in rows:
        assert row.about == ("assignment_recipient", copies[row.recipient_id])
        assert row.case_id == couple.case.id
    assert nobody_else(app, people, *told) == {}


def _feedback(client, couple, given, copy_id: int, text: str):
    return client.post(
        f"/cases/{couple.case.id}/assignments/{given.assignment_id}/feedback/{copy_id}",
        data={f"r{copy_id}-feedback": text, f"r{copy_id}-save": "Save feedback"},
    )


def test_feedback_tells_that_client_once_per_new_text(app, couple, people, give, login_as):
    given = give(couple.case, [couple.a, couple.b])
    # Feedback opens once the partner has sent something (issue ux-pass, item 3).
    send(
        login_as(couple.a),
        given.recipient_a,
        given.exercise_ids[0],
        {"text": "x", "visibility": "counselor"},
    )
    counselor = login_as(couple.counselor)
    before = len(outbox(app))
    for _ in range(2):  # the same feedback saved twice is one piece of news
        assert (
            _feedback(counselor, couple, given, given.recipient_a, "Well done.").status_code == 302
        )
    rows = outbox(app, kind="assignments.feedback")
    assert [(r.recipient_id, r.about) for r in rows] == [
        (couple.a.id, ("assignment_feedback", given.recipient_a))
    ]
    # New words are news again; clearing the feedback is not.
    _feedback(counselor, couple, given, given.recipient_a, "Well done, and one more thought.")
    _feedback(counselor, couple, given, given.recipient_a, "")
    assert len(outbox(app, kind="assignments.feedback")) == 2
    assert kinds_for(app, couple.b) == ["assignments.new"]
    assert nobody_else(app, people, couple.a, couple.b, couple.counselor) == {}
    assert len(outbox(app)) == before + 2


@pytest.mark.parametrize(
    ("visibility", "counselor_told"),
    [("counselor", True), ("counselor_and_partner", True), ("private", False)],
)
def test_a_sent_answer_tells_the_counselor_only_when_it_reaches_them(
    app, couple, people, give, login_as, visibility, counselor_told
):
    given = give(couple.case, [couple.a, couple.b])
    alex = login_as(couple.a)
    for _ in range(2):  # sending twice: the second is refused, nothing announced twice
        send(
            alex, given.recipient_a, given.exercise_ids[0], {"text": "x", "visibility": visibility}
        )
    rows = outbox(app, kind="assignments.answer_sent")
    with app.app_context():
        answer_id = db.session.scalar(sa.select(Response.id))
    expected = [(couple.counselor.id, ("response", answer_id))] if counselor_told else []
    assert [(r.recipient_id, r.about) for r in rows] == expected
    # The partner hears nothing of it, whatever its audience.
    assert kinds_for(app, couple.b) == ["assignments.new"]
    assert nobody_else(app, people, couple.a, couple.b, couple.counselor) == {}


def test_sharing_a_private_answer_later_tells_the_counselor_once(
    app, couple, people, give, login_as
):
    given = give(couple.case, [couple.a])
    alex = login_as(couple.a)
    exercise = given.exercise_ids[0]
    send(alex, given.recipient_a, exercise, {"text": "x", "visibility": "private"})
    assert outbox(app, recipient_id=couple.counselor.id) == []
    url = f"/me/exercises/{given.recipient_a}/{exercise}/sharing"
    for _ in range(2):
        assert alex.post(url, data={"visibility": "counselor"}).status_code == 302
    # Widening to the partner too tells the counselor nothing new.
    alex.post(url, data={"visibility": "counselor_and_partner"})
    assert kinds_for(app, couple.counselor) == ["assignments.answer_shared"]
    assert kinds_for(app, couple.b) == []
