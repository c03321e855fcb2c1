"""PHQ-9 item 9 above 0: one immediate notice to the counselor, a banner until acknowledged,
an audit event, the crisis resources for the client, and nothing for the partner."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, MeasureCadence, Notification, SafetyFlag
from app.notifications import get_kind
from tests.measures.conftest import positions_for

CRISIS_WORDS = ("crisis", "safety", "flag", "PHQ", "988", "emergency")


def phq9(item9: int) -> dict[str, str]:
    values = positions_for("PHQ-9", 0)
    values["phq9_9"] = str(item9)
    return values


@pytest.fixture
def phq9_schedule(couple, schedule_measure):
    return schedule_measure(couple, "PHQ-9", who=str(couple.a.id), cadence=MeasureCadence.ONCE)


def flag_notices(app) -> list[Notification]:
    with app.app_context():
        found = list(
            db.session.scalars(
                sa.select(Notification).where(Notification.kind == "measure.safety_flag")
            )
        )
        for row in found:
            db.session.expunge(row)
        return found


def test_kind_cannot_be_switched_off_and_bypasses_quiet_hours():
    kind = get_kind("measure.safety_flag")
    assert kind.audience == "counselor"
    assert kind.can_switch_off is False and kind.bypass_quiet_hours is True
    assert kind.default_timing == "immediate"
    # The title is all an e-mail or lock screen shows: no measure, answer or name.
    for word in ("PHQ", "9", "suicid", "self-harm", "dead", "score"):
        assert word.lower() not in kind.title.lower()


@pytest.mark.parametrize("item9", [1, 2, 3])
def test_item9_above_zero_raises_one_flag_and_one_notice(
    app, couple, phq9_schedule, login_as, answer, rows, item9
):
    sent = answer(login_as(couple.a), phq9_schedule, phq9(item9))
    assert sent.status_code == 302
    [flag] = rows(SafetyFlag)
    assert flag.user_id == couple.a.id and flag.acknowledged_at is None
    [notice] = flag_notices(app)
    assert notice.recipient_id == couple.counselor.id
    assert notice.key == f"measure.safety_flag:{flag.id}"
    with app.app_context():
        actions = list(db.session.scalars(sa.select(AuditEvent.action)))
    assert actions.count("measure.safety_flag") == 1


def test_item9_zero_raises_nothing(app, couple, phq9_schedule, login_as, answer, rows):
    answer(login_as(couple.a), phq9_schedule, phq9(0))
    assert rows(SafetyFlag) == [] and flag_notices(app) == []


def test_client_sees_crisis_resources_right_after_sending(
    app, couple, phq9_schedule, login_as, answer
):
    a = login_as(couple.a)
    page = answer(a, phq9_schedule, phq9(2), follow=True).get_data(as_text=True)
    assert 'id="crisis-resources"' in page
    assert app.config["REKINDLE_CRISIS_RESOURCES"].splitlines()[0] in page


def test_crisis_text_is_configurable(app, couple, phq9_schedule, login_as, answer):
    app.config["REKINDLE_CRISIS_RESOURCES"] = "Call the Riverside line: 0800 111 222"
    page = answer(login_as(couple.a), phq9_schedule, phq9(1), follow=True).get_data(as_text=True)
    assert "Call the Riverside line: 0800 111 222" in page


def test_no_crisis_box_without_a_safety_answer(couple, phq9_schedule, login_as, answer):
    page = answer(login_as(couple.a), phq9_schedule, phq9(0), follow=True).get_data(as_text=True)
    assert "crisis-resources" not in page


def test_banner_stays_until_the_counselor_records_what_they_did(
    app, couple, phq9_schedule, login_as, answer, rows
):
    answer(login_as(couple.a), phq9_schedule, phq9(1))
    counselor = login_as(couple.counselor)
    case_url = f"/cases/{couple.case.id}"
    assert 'id="measure-flags"' in counselor.get(case_url).get_data(as_text=True)
    assert 'id="measure-flags"' in counselor.get(case_url).get_data(as_text=True)  # still there
    [flag] = rows(SafetyFlag)
    empty = counselor.post(
        f"/cases/{couple.case.id}/measures/flags/{flag.id}", data={"action": " "}
    )
    assert empty.status_code == 302
    assert 'id="measure-flags"' in counselor.get(case_url).get_data(as_text=True)
    done = counselor.post(
        f"/cases/{couple.case.id}/measures/flags/{flag.id}",
        data={"action": "Phoned them the same hour; safety plan agreed"},
    )
    assert done.status_code == 302
    assert 'id="measure-flags"' not in counselor.get(case_url).get_data(as_text=True)
    [closed] = rows(SafetyFlag)
    assert closed.acknowledged_by_id == couple.counselor.id
    assert closed.action == "Phoned them the same hour; safety plan agreed"
    with app.app_context():
        actions = list(db.session.scalars(sa.select(AuditEvent.action)))
    assert "measure.safety_flag_acknowledged" in actions


def test_the_partner_learns_nothing(app, couple, phq9_schedule, login_as, answer):
    answer(login_as(couple.a), phq9_schedule, phq9(3))
    b = login_as(couple.b)
    for url in ("/me", "/me/journal", "/me/exercises", "/me/measures/results", "/me/export"):
        response = b.get(url)
        text = response.get_data(as_text=True)
        for word in CRISIS_WORDS:
            assert word not in text, (url, word)
    with app.app_context():
        theirs = db.session.scalar(
            sa.select(sa.func.count(Notification.id)).where(
                Notification.recipient_id == couple.b.id, Notification.kind != "measure.due"
            )
        )
    assert theirs == 0


def test_another_counselor_cannot_acknowledge(
    app, couple, phq9_schedule, login_as, answer, rows, factory
):
    answer(login_as(couple.a), phq9_schedule, phq9(1))
    [flag] = rows(SafetyFlag)
    other = login_as(factory.counselor())
    response = other.post(f"/cases/{couple.case.id}/measures/flags/{flag.id}", data={"action": "x"})
    assert response.status_code == 404
    assert rows(SafetyFlag)[0].acknowledged_at is None


def test_paper_entry_with_item9_flags_too(app, couple, login_as, rows):
    counselor = login_as(couple.counselor)
    data = {**phq9(1), "who": str(couple.b.id), "request_key": "paper-1"}
    response = counselor.post(f"/cases/{couple.case.id}/measures/paper/PHQ-9", data=data)
    assert response.status_code == 302
    [flag] = rows(SafetyFlag)
    assert flag.user_id == couple.b.id
    assert len(flag_notices(app)) == 1
