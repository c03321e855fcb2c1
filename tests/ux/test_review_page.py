"""The counselor's review page reads top to bottom and says why an answer is missing
(issue ux-pass, items 3 and 8); feedback opens once a partner has sent something."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import AssignmentRecipient, Response
from app.policy import review as review_policy
from tests.modules.helpers import send


def _review(login_as, couple, given) -> str:
    url = f"/cases/{couple.case.id}/assignments/{given.assignment_id}"
    return login_as(couple.counselor).get(url).get_data(as_text=True)


def test_kept_private_and_not_sent_are_told_apart(login_as, couple, give):
    given = give(couple.case, [couple.a, couple.b])
    a = login_as(couple.a)
    send(
        a,
        given.recipient_a,
        given.exercise_ids[0],
        {"text": "PRIVATE-ONE", "visibility": "private"},
    )
    send(a, given.recipient_a, given.exercise_ids[1], {"text": "DRAFT-TWO"}, draft=True)
    send(a, given.recipient_a, given.exercise_ids[3], {"text": "SHARED-FOUR"})
    page = _review(login_as, couple, given)
    assert "PRIVATE-ONE" not in page and "DRAFT-TWO" not in page and "SHARED-FOUR" in page
    assert "Sent, but kept private" in page
    assert "Not sent yet: a draft only" in page
    assert "Not shared with you, or not sent yet" not in page


def test_feedback_comes_after_the_answers(login_as, couple, give):
    given = give(couple.case, [couple.a, couple.b])
    send(login_as(couple.a), given.recipient_a, given.exercise_ids[0], {"text": "ALEX-ANSWER"})
    page = _review(login_as, couple, given)
    assert (
        page.index("ALEX-ANSWER")
        < page.index("Feedback for")
        < page.index(f'name="r{given.recipient_a}-feedback"')
    )
    # Sam sent nothing: no box to write in, and the page says when it opens.
    assert f'name="r{given.recipient_b}-feedback"' not in page
    assert "Feedback opens once" in page


def test_feedback_on_unstarted_work_is_refused(app, login_as, couple, give):
    given = give(couple.case, [couple.a, couple.b])
    base = f"/cases/{couple.case.id}/assignments/{given.assignment_id}/feedback"
    response = login_as(couple.counselor).post(
        f"{base}/{given.recipient_b}",
        data={f"r{given.recipient_b}-feedback": "too early", f"r{given.recipient_b}-save": "1"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "Feedback opens once" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(AssignmentRecipient, given.recipient_b).feedback is None
    client_home = login_as(couple.b).get("/me").get_data(as_text=True)
    assert "left feedback" not in client_home


def test_only_the_case_counselor_learns_why(app, factory, login_as, couple, give):
    given = give(couple.case, [couple.a, couple.b])
    send(
        login_as(couple.a),
        given.recipient_a,
        given.exercise_ids[0],
        {"text": "x", "visibility": "private"},
    )
    other = factory.counselor()
    with app.app_context():
        from app.models import Case, User

        case = db.session.get(Case, couple.case.id)
        answer = db.session.scalar(
            sa.select(Response).options(
                joinedload(Response.recipient).joinedload(AssignmentRecipient.assignment)
            )
        )
        mine = review_policy.why_unread(db.session.get(User, couple.counselor.id), case, answer)
        theirs = review_policy.why_unread(db.session.get(User, other.id), case, answer)
        partner = review_policy.why_unread(db.session.get(User, couple.b.id), case, answer)
    assert mine is review_policy.Unread.KEPT_PRIVATE
    assert theirs is None and partner is None
