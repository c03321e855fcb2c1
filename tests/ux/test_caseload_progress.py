"""The caseload tells what needs the counselor (issue ux-pass, item 6).

Exercises are counted as a counselor thinks of them: answered of assigned, per partner (four
answers of a four-exercise module are "4 of 4", not "1/2 assignments"); work sent in full
is "waiting for your review" until reviewed; a case in Intake with a session recorded is
offered "Active".
"""

from __future__ import annotations

from tests.modules.helpers import send


def test_answers_are_counted_per_partner(login_as, couple, give):
    given = give(couple.case, [couple.a, couple.b])
    a = login_as(couple.a)
    for exercise_id in given.exercise_ids:
        send(a, given.recipient_a, exercise_id, {"text": "mine", "visibility": "private"})
    send(login_as(couple.b), given.recipient_b, given.exercise_ids[0], {"text": "one"})
    page = login_as(couple.counselor).get("/caseload").get_data(as_text=True)
    assert f"{couple.a.name}: 4 of 4" in page
    assert f"{couple.b.name}: 1 of 4" in page
    assert "1 waiting for your review" in page
    assert "Exercises done" not in page


def test_reviewed_work_no_longer_waits(login_as, couple, give):
    given = give(couple.case, [couple.a])
    a = login_as(couple.a)
    for exercise_id in given.exercise_ids:
        send(a, given.recipient_a, exercise_id, {"text": "mine"})
    c = login_as(couple.counselor)
    c.post(
        f"/cases/{couple.case.id}/assignments/{given.assignment_id}/feedback/{given.recipient_a}",
        data={
            f"r{given.recipient_a}-feedback": "Thank you.",
            f"r{given.recipient_a}-mark_reviewed": "1",
        },
    )
    page = c.get("/caseload").get_data(as_text=True)
    assert "waiting for your review" not in page


def test_intake_with_a_session_is_offered_active(factory, login_as, build):
    from app.models import CaseStatus

    counselor = factory.counselor()
    case = factory.case(counselor, [factory.client(), factory.client()], status=CaseStatus.INTAKE)
    sid = build.session(case)
    page = login_as(counselor).get(f"/cases/{case.id}/sessions/{sid}").get_data(as_text=True)
    assert "still in Intake" in page and 'name="status" value="active"' in page
