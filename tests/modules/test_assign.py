"""Assigning from the case page: both partners or one, once per click, never to a closed case."""

from datetime import date, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import Assignment, AssignmentRecipient, AuditEvent, Case, CaseStatus, Response
from tests.modules.conftest import count_assignments
from tests.modules.helpers import send


def _form(module_id, recipients="both", **extra):
    data = {
        "module": str(module_id),
        "recipients": recipients,
        "note": "Take your time.",
        "request_key": "k-1",
    }
    data.update(extra)
    return data


def test_assign_to_both_partners(app, login_as, couple, builtin):
    c = login_as(couple.counselor)
    response = c.post(
        f"/cases/{couple.case.id}/assignments/new",
        data=_form(
            builtin["give-each-other-space"],
            due_date=(date.today() + timedelta(days=7)).isoformat(),
        ),
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/cases/{couple.case.id}")
    with app.app_context():
        assignment = db.session.scalar(sa.select(Assignment))
        users = set(db.session.scalars(sa.select(AssignmentRecipient.user_id)))
        assert users == {couple.a.id, couple.b.id}
        assert assignment.note == "Take your time." and assignment.due_date is not None


def test_assign_to_one_partner(app, login_as, couple, builtin):
    c = login_as(couple.counselor)
    c.post(
        f"/cases/{couple.case.id}/assignments/new",
        data=_form(builtin["give-each-other-space"], str(couple.b.id)),
    )
    with app.app_context():
        assert list(db.session.scalars(sa.select(AssignmentRecipient.user_id))) == [couple.b.id]
    assert "Give each other space" not in login_as(couple.a).get("/me/exercises").get_data(
        as_text=True
    )
    assert "Give each other space" in login_as(couple.b).get("/me/exercises").get_data(as_text=True)


def test_double_click_makes_one_assignment(app, login_as, couple, builtin):
    c = login_as(couple.counselor)
    for _ in range(2):
        c.post(
            f"/cases/{couple.case.id}/assignments/new", data=_form(builtin["give-each-other-space"])
        )
    assert count_assignments(app) == 1


def test_bad_input_gets_messages_next_to_fields(app, login_as, couple, builtin):
    c = login_as(couple.counselor)
    response = c.post(
        f"/cases/{couple.case.id}/assignments/new",
        data=_form("0", "nobody", due_date=(date.today() - timedelta(days=1)).isoformat()),
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Choose a module." in text and "Choose today or a later date." in text
    assert count_assignments(app) == 0


def test_foreign_user_id_is_refused(app, login_as, factory, couple, builtin):
    stranger = factory.client()
    c = login_as(couple.counselor)
    response = c.post(
        f"/cases/{couple.case.id}/assignments/new",
        data=_form(builtin["give-each-other-space"], str(stranger.id)),
    )
    assert response.status_code == 200
    assert count_assignments(app) == 0


def test_another_counselors_module_cannot_be_assigned(app, login_as, factory, couple, builtin):
    other = factory.counselor()
    login_as(other).post(f"/modules/{builtin['give-each-other-space']}/copy")
    with app.app_context():
        from app.models import StrategyModule

        foreign = db.session.scalar(
            sa.select(StrategyModule.id).where(StrategyModule.owner_id == other.id)
        )
    response = login_as(couple.counselor).post(
        f"/cases/{couple.case.id}/assignments/new", data=_form(foreign)
    )
    assert response.status_code == 200
    assert count_assignments(app) == 0


def test_closed_case_refuses_assignment(app, login_as, factory, builtin):
    counselor = factory.counselor()
    case = factory.case(counselor, [factory.client(), factory.client()], status=CaseStatus.CLOSED)
    response = login_as(counselor).post(
        f"/cases/{case.id}/assignments/new", data=_form(builtin["give-each-other-space"])
    )
    assert response.status_code == 409
    assert count_assignments(app) == 0


def test_unassign_keeps_answers_and_is_audited(app, login_as, couple, give):
    given = give(couple.case, [couple.a, couple.b])
    send(login_as(couple.a), given.recipient_a, given.exercise_ids[0], {"text": "kept"})
    c = login_as(couple.counselor)
    url = f"/cases/{couple.case.id}/assignments/{given.assignment_id}/remove"
    assert "Take it back" in c.get(url).get_data(as_text=True)
    assert c.post(url).status_code == 302
    with app.app_context():
        assignment = db.session.get(Assignment, given.assignment_id)
        assert assignment.removed_at is not None and assignment.removed_by_id == couple.counselor.id
        assert db.session.scalar(sa.select(sa.func.count(Response.id))) == 1
        assert (
            db.session.scalar(
                sa.select(sa.func.count(AuditEvent.id)).where(
                    AuditEvent.action == "assignment.removed",
                    AuditEvent.object_id == given.assignment_id,
                )
            )
            == 1
        )
    assert login_as(couple.a).get(f"/me/exercises/{given.recipient_a}").status_code == 404
    assert c.get(f"/cases/{couple.case.id}/assignments/{given.assignment_id}").status_code == 404


def test_service_signature_for_sessions(app, couple, builtin):
    import inspect

    from app.services.assignments import assign_module

    params = inspect.signature(assign_module).parameters
    assert list(params) == [
        "case",
        "module_version",
        "recipients",
        "due_date",
        "note",
        "assigned_by",
        "request_key",
    ]
    assert params["request_key"].default is None


def test_case_status_closed_blocks_client_writes(app, login_as, couple, give):
    given = give(couple.case, [couple.a, couple.b])
    with app.app_context():
        db.session.get(Case, couple.case.id).status = CaseStatus.CLOSED
        db.session.commit()
    a = login_as(couple.a)
    page = a.get(f"/me/exercises/{given.recipient_a}/{given.exercise_ids[0]}")
    assert page.status_code == 200 and "case is closed" in page.get_data(as_text=True)
    assert send(a, given.recipient_a, given.exercise_ids[0], {"text": "x"}).status_code == 409
