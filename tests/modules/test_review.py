"""Counselor review: side by side, feedback per partner, mark reviewed; statuses move on."""

import sqlalchemy as sa

from app.extensions import db
from app.models import AssignmentRecipient, AssignmentStatus
from tests.modules.helpers import send


def _status(app, recipient_id):
    with app.app_context():
        return db.session.get(AssignmentRecipient, recipient_id).status


def _send_all(client, recipient_id, exercise_ids, prefix, first_version=""):
    # reflect-on-the-relationship: reflection, reflection, checklist, reflection
    send(client, recipient_id, exercise_ids[0], {"text": f"{prefix} one", "version": first_version})
    send(client, recipient_id, exercise_ids[1], {"text": f"{prefix} two"})
    send(client, recipient_id, exercise_ids[2], {"checked": ["I kept score of who did what"]})
    send(client, recipient_id, exercise_ids[3], {"text": f"{prefix} four"})


def test_status_moves_assigned_to_reviewed(app, login_as, couple, give):
    given = give(couple.case, [couple.a, couple.b])
    a = login_as(couple.a)
    assert _status(app, given.recipient_a) is AssignmentStatus.ASSIGNED
    send(a, given.recipient_a, given.exercise_ids[0], {"text": "a draft"}, draft=True)
    assert _status(app, given.recipient_a) is AssignmentStatus.IN_PROGRESS
    _send_all(a, given.recipient_a, given.exercise_ids, "Alex", first_version="1")
    assert _status(app, given.recipient_a) is AssignmentStatus.SUBMITTED
    assert _status(app, given.recipient_b) is AssignmentStatus.ASSIGNED

    c = login_as(couple.counselor)
    url = f"/cases/{couple.case.id}/assignments/{given.assignment_id}/feedback/{given.recipient_a}"
    response = c.post(
        url,
        data={
            f"r{given.recipient_a}-feedback": "FEEDBACK-FOR-A",
            f"r{given.recipient_a}-mark_reviewed": "1",
        },
    )
    assert response.status_code == 302
    assert _status(app, given.recipient_a) is AssignmentStatus.REVIEWED


def test_review_shows_both_partners_side_by_side(login_as, couple, give):
    given = give(couple.case, [couple.a, couple.b])
    _send_all(login_as(couple.a), given.recipient_a, given.exercise_ids, "ALEX-ANSWER")
    _send_all(login_as(couple.b), given.recipient_b, given.exercise_ids, "SAM-ANSWER")
    body = (
        login_as(couple.counselor)
        .get(f"/cases/{couple.case.id}/assignments/{given.assignment_id}")
        .get_data(as_text=True)
    )
    assert "ALEX-ANSWER one" in body and "SAM-ANSWER one" in body
    assert (
        body.index("ALEX-ANSWER one") < body.index("SAM-ANSWER one") < body.index("ALEX-ANSWER two")
    )


def test_each_partner_sees_only_their_own_feedback(app, login_as, couple, give):
    given = give(couple.case, [couple.a, couple.b])
    # Feedback opens once a partner has sent something (issue ux-pass, item 3).
    send(login_as(couple.a), given.recipient_a, given.exercise_ids[0], {"text": "A one"})
    send(login_as(couple.b), given.recipient_b, given.exercise_ids[0], {"text": "B one"})
    c = login_as(couple.counselor)
    base = f"/cases/{couple.case.id}/assignments/{given.assignment_id}/feedback"
    c.post(
        f"{base}/{given.recipient_a}",
        data={
            f"r{given.recipient_a}-feedback": "FEEDBACK-FOR-A",
            f"r{given.recipient_a}-save": "1",
        },
    )
    c.post(
        f"{base}/{given.recipient_b}",
        data={
            f"r{given.recipient_b}-feedback": "FEEDBACK-FOR-B",
            f"r{given.recipient_b}-save": "1",
        },
    )
    a_text = login_as(couple.a).get(f"/me/exercises/{given.recipient_a}").get_data(as_text=True)
    b_text = login_as(couple.b).get(f"/me/exercises/{given.recipient_b}").get_data(as_text=True)
    assert "FEEDBACK-FOR-A" in a_text and "FEEDBACK-FOR-B" not in a_text
    assert "FEEDBACK-FOR-B" in b_text and "FEEDBACK-FOR-A" not in b_text
    with app.app_context():
        raw = db.session.scalar(
            sa.select(AssignmentRecipient.feedback_ct).where(
                AssignmentRecipient.id == given.recipient_a
            )
        )
    assert b"FEEDBACK-FOR-A" not in raw


def test_cannot_mark_reviewed_before_submission(app, login_as, couple, give):
    given = give(couple.case, [couple.a, couple.b])
    c = login_as(couple.counselor)
    url = f"/cases/{couple.case.id}/assignments/{given.assignment_id}/feedback/{given.recipient_a}"
    c.post(
        url,
        data={
            f"r{given.recipient_a}-feedback": "early",
            f"r{given.recipient_a}-mark_reviewed": "1",
        },
    )
    assert _status(app, given.recipient_a) is AssignmentStatus.ASSIGNED


def test_feedback_for_a_recipient_of_another_assignment_is_404(login_as, couple, give, factory):
    first = give(couple.case, [couple.a, couple.b])
    other_case, x, y = factory.couple(couple.counselor)
    second = give(other_case, [x, y])
    c = login_as(couple.counselor)
    url = f"/cases/{couple.case.id}/assignments/{first.assignment_id}/feedback/{second.recipient_a}"
    assert c.post(url, data={}).status_code == 404
