"""The private safety check: the partner's and the counselor's only; autosaved; sent once."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.intake import safety
from app.models import AuditEvent, Notification, SafetyCheckStatus
from tests.intake.conftest import CALM, WORRIED, answer_check, autosave


def test_the_check_uses_our_own_plain_questions(app):
    with app.app_context():
        content = safety.content()
    keys = [q.key for q in content.questions]
    assert keys == ["afraid", "hurt", "threatened", "controlled", "free_to_speak"]
    assert all("I'd rather not say" in q.choices for q in content.questions)
    assert set(content.concern_rules) == set(keys)


def test_answers_autosave_and_a_late_save_never_overwrites_a_newer_one(couple, intake, login_as):
    _counselor, case, a, _b = couple
    http = login_as(a)
    assert autosave(http, case.id, {"afraid": "Never"}, seq=5).get_json()["stale"] is False
    assert autosave(http, case.id, {"afraid": "Often"}, seq=3).get_json()["stale"] is True
    check = intake.check(intake.latest_check_id(a, case))
    assert check["answers"] == {"afraid": "Never"}
    assert check["status"] is SafetyCheckStatus.DRAFT
    # Reopening the page shows what was saved.
    page = http.get(f"/me/safety/{case.id}").get_data(as_text=True)
    assert 'value="Never" checked' in page


def test_unknown_answers_are_not_kept(couple, intake, login_as):
    _counselor, case, a, _b = couple
    http = login_as(a)
    autosave(http, case.id, {"afraid": "<script>x</script>", "other": "Yes", "hurt": "No"})
    assert intake.check(intake.latest_check_id(a, case))["answers"] == {"hurt": "No"}


def test_an_incomplete_check_says_so_and_keeps_the_answers(couple, intake, login_as):
    _counselor, case, a, _b = couple
    http = login_as(a)
    http.get(f"/me/safety/{case.id}")
    response = http.post(f"/me/safety/{case.id}", data={"afraid": "Never"})
    assert response.status_code == 422
    assert "Please choose an answer for every question" in response.get_data(as_text=True)
    assert intake.check(intake.latest_check_id(a, case))["answers"] == {"afraid": "Never"}


def test_calm_answers_raise_no_concern(app, couple, intake, login_as):
    _counselor, case, a, _b = couple
    response = answer_check(login_as(a), case.id, CALM)
    assert response.status_code == 303 and response.headers["Location"].endswith("/sent")
    assert intake.concerns(case.id) == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 0


def test_only_the_partner_and_their_counselor_read_the_answers(couple, factory, intake, login_as):
    counselor, case, a, b = couple
    answer_check(login_as(a), case.id, WORRIED)
    check_id = intake.latest_check_id(a, case)
    url = f"/cases/{case.id}/intake/checks/{check_id}"
    page = login_as(counselor).get(url)
    assert page.status_code == 200 and "Often" in page.get_data(as_text=True)
    for outsider in (b, a, factory.counselor(), factory.admin()):
        assert login_as(outsider).get(url).status_code == 404
    # B's own check page is B's own, empty draft.
    b_page = login_as(b).get(f"/me/safety/{case.id}").get_data(as_text=True)
    assert " checked" not in b_page


def test_a_concern_alerts_the_counselor_once(app, couple, intake, login_as):
    counselor, case, a, b = couple
    http = login_as(a)
    answer_check(http, case.id, WORRIED)
    http.post(f"/me/safety/{case.id}", data=WORRIED)  # a second click changes nothing
    assert len(intake.concerns(case.id)) == 1
    with app.app_context():
        rows = list(db.session.scalars(sa.select(Notification)))
        assert [(n.recipient_id, n.kind) for n in rows] == [(counselor.id, "intake.safety_concern")]
        from app.models import User
        from app.notifications import get_kind, preferences_for

        kind = get_kind("intake.safety_concern")
        assert kind.can_switch_off is False and kind.bypass_quiet_hours is True
        assert "safety" in kind.title and "Alex" not in kind.title
        # The flagged partner's notifications go discreet; the other partner's do not.
        assert preferences_for(db.session.get_one(User, a.id)).discreet is True
        assert preferences_for(db.session.get_one(User, b.id)).discreet is False
        actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert "safety.check_submitted" in actions


def test_the_banner_stays_until_the_counselor_decides(couple, intake, login_as):
    counselor, case, a, _b = couple
    answer_check(login_as(a), case.id, WORRIED)
    http = login_as(counselor)
    page = http.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "a concern needs your decision" in page
    concern = intake.concerns(case.id)[0]
    response = http.post(
        f"/cases/{case.id}/intake/concerns/{concern.id}/decision",
        data={"decision": "individual_only", "note": "Seen alone on Monday."},
    )
    assert response.status_code == 303
    page = http.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "a concern needs your decision" not in page
    assert "Individual sessions only for now" in page


@pytest.mark.parametrize("who", ["partner", "other counselor"])
def test_nobody_else_decides(couple, factory, intake, login_as, who):
    counselor, case, a, b = couple
    answer_check(login_as(a), case.id, WORRIED)
    concern = intake.concerns(case.id)[0]
    other = b if who == "partner" else factory.counselor()
    response = login_as(other).post(
        f"/cases/{case.id}/intake/concerns/{concern.id}/decision", data={"decision": "refer"}
    )
    assert response.status_code == 404
    assert intake.concerns(case.id)[0].decided_at is None
