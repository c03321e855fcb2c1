"""Status: intake → active ⇄ paused → closed, reopen with a reason, history with who and when."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Case, CaseStatus, CaseStatusChange


def _status(app, case_id):
    with app.app_context():
        return db.session.scalar(sa.select(Case.status).where(Case.id == case_id))


def _history(app, case_id):
    with app.app_context():
        rows = db.session.scalars(
            sa.select(CaseStatusChange)
            .where(CaseStatusChange.case_id == case_id)
            .order_by(CaseStatusChange.id)
        ).all()
        return [(r.from_status, r.to_status, r.changed_by_id, r.reason) for r in rows]


@pytest.mark.parametrize(
    ("start", "target", "allowed"),
    [
        (CaseStatus.INTAKE, CaseStatus.ACTIVE, True),
        (CaseStatus.INTAKE, CaseStatus.PAUSED, False),
        (CaseStatus.ACTIVE, CaseStatus.PAUSED, True),
        (CaseStatus.PAUSED, CaseStatus.ACTIVE, True),
        (CaseStatus.ACTIVE, CaseStatus.CLOSED, True),
        (CaseStatus.PAUSED, CaseStatus.CLOSED, True),
        (CaseStatus.ACTIVE, CaseStatus.INTAKE, False),
        (CaseStatus.ACTIVE, CaseStatus.ACTIVE, False),
    ],
)
def test_transitions(app, factory, login_as, start, target, allowed):
    counselor = factory.counselor()
    case = factory.case(counselor, [factory.client()], status=start)
    response = login_as(counselor).post(
        f"/cases/{case.id}/status", data={"status": target.value, "reason": "Agreed together."}
    )
    assert response.status_code == 302
    assert _status(app, case.id) is (target if allowed else start)
    history = _history(app, case.id)
    if allowed:
        assert history == [(start, target, counselor.id, "Agreed together.")]
    else:
        assert history == []


def test_history_is_shown_on_the_case_page(app, factory, login_as):
    counselor = factory.counselor(name="Dr. Robin Vale")
    case = factory.case(counselor, [factory.client()], status=CaseStatus.ACTIVE)
    client = login_as(counselor)
    client.post(f"/cases/{case.id}/status", data={"status": "paused", "reason": "Travelling."})
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Travelling." in page and "Dr. Robin Vale" in page and "Paused" in page


def test_closed_case_is_read_only(app, factory, login_as):
    counselor = factory.counselor()
    case = factory.case(counselor, [factory.client()], status=CaseStatus.CLOSED)
    client = login_as(counselor)
    response = client.post(f"/cases/{case.id}/status", data={"status": "active"})
    assert response.status_code == 409
    assert "closed" in response.get_data(as_text=True)
    assert _status(app, case.id) is CaseStatus.CLOSED
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "read-only" in page and "Reopen case" in page


def test_reopen_needs_a_reason(app, factory, login_as):
    counselor = factory.counselor()
    case = factory.case(counselor, [factory.client()], status=CaseStatus.CLOSED)
    client = login_as(counselor)
    client.post(f"/cases/{case.id}/reopen", data={"reason": "   "})
    assert _status(app, case.id) is CaseStatus.CLOSED
    client.post(f"/cases/{case.id}/reopen", data={"reason": "They asked to resume."})
    assert _status(app, case.id) is CaseStatus.ACTIVE
    assert _history(app, case.id) == [
        (CaseStatus.CLOSED, CaseStatus.ACTIVE, counselor.id, "They asked to resume.")
    ]


def test_reopen_of_an_open_case_changes_nothing(app, factory, login_as):
    counselor = factory.counselor()
    case = factory.case(counselor, [factory.client()], status=CaseStatus.ACTIVE)
    login_as(counselor).post(f"/cases/{case.id}/reopen", data={"reason": "Why not"})
    assert _history(app, case.id) == []


def test_too_long_reason_is_refused_without_a_500(app, factory, login_as):
    counselor = factory.counselor()
    case = factory.case(counselor, [factory.client()], status=CaseStatus.ACTIVE)
    client = login_as(counselor)
    response = client.post(
        f"/cases/{case.id}/status", data={"status": "paused", "reason": "ü" * 501}
    )
    assert response.status_code == 302
    assert _status(app, case.id) is CaseStatus.ACTIVE
    assert "500 characters" in client.get(f"/cases/{case.id}").get_data(as_text=True)


def test_closed_case_invitations_cannot_change(app, factory, login_as):
    counselor = factory.counselor()
    case = factory.case(counselor, [factory.client()], status=CaseStatus.CLOSED)
    with app.app_context():
        from app.models import CaseMember

        member_id = db.session.scalar(sa.select(CaseMember.id))
    client = login_as(counselor)
    assert client.post(f"/cases/{case.id}/members/{member_id}/invitation").status_code == 409
