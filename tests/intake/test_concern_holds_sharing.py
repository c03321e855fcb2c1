"""A concern holds (does not revoke) the flagged partner's new shares until the decision."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import Assignment, StrategyModule
from app.services.modules import load_builtin_modules
from tests.intake.conftest import WORRIED, answer_check, partner_reads, share_entry


def test_new_shares_are_held_and_earlier_ones_stay(app, couple, login_as):
    counselor, case, a, b = couple
    share_entry(app, a, case, "BEFORE the check")
    answer_check(login_as(a), case.id, WORRIED)
    share_entry(app, a, case, "AFTER the check")
    share_entry(app, b, case, "B writes to A")
    # B still reads what A shared before; A's new share is held; A still reads B.
    assert partner_reads(app, b, case) == ["BEFORE the check"]
    assert partner_reads(app, a, case) == ["B writes to A"]
    # The counselor reads both: holding concerns the partner only.
    feed = login_as(counselor).get("/caseload/journal").get_data(as_text=True)
    for body in ("BEFORE the check", "AFTER the check", "B writes to A"):
        assert f"Note: {body}" in feed
    # B's own pages agree with the rule.
    shared = login_as(b).get("/me/journal/shared").get_data(as_text=True)
    assert "Note: BEFORE the check" in shared
    assert "AFTER the check" not in shared


def test_the_decision_releases_what_was_held(app, couple, intake, login_as):
    counselor, case, a, b = couple
    answer_check(login_as(a), case.id, WORRIED)
    share_entry(app, a, case, "held for a while")
    assert partner_reads(app, b, case) == []
    concern = intake.concerns(case.id)[0]
    login_as(counselor).post(
        f"/cases/{case.id}/intake/concerns/{concern.id}/decision",
        data={"decision": "continue_joint"},
    )
    assert partner_reads(app, b, case) == ["held for a while"]


def test_a_held_entry_is_not_readable_one_by_one_either(app, couple, login_as):
    _counselor, case, a, b = couple
    answer_check(login_as(a), case.id, WORRIED)
    entry_id = share_entry(app, a, case, "held entry")
    assert login_as(b).get(f"/me/journal/shared/{entry_id}").status_code == 404
    assert login_as(a).get(f"/me/journal/{entry_id}").status_code == 200


def _assign(login_as, counselor, case, module_id, key):
    return login_as(counselor).post(
        f"/cases/{case.id}/assignments/new",
        data={"module": str(module_id), "recipients": "both", "note": "", "request_key": key},
    )


def test_the_reestablish_communication_caution_becomes_a_block(app, couple, login_as):
    counselor, case, a, _b = couple
    with app.app_context():
        load_builtin_modules()
        db.session.commit()
        ids = dict(db.session.execute(sa.select(StrategyModule.slug, StrategyModule.id)).all())
    answer_check(login_as(a), case.id, WORRIED)
    refused = _assign(login_as, counselor, case, ids["reestablish-communication"], "k1")
    assert refused.status_code == 200
    assert "caution is a block for this case" in refused.get_data(as_text=True)
    # Other modules are not blocked.
    assert _assign(login_as, counselor, case, ids["give-each-other-space"], "k2").status_code == 302
    # An override without a reason is refused; with one, the module can be assigned.
    http = login_as(counselor)
    http.post(
        f"/cases/{case.id}/intake/caution-override",
        data={"module_id": ids["reestablish-communication"], "reason": ""},
    )
    assert "caution is a block" in _assign(
        login_as, counselor, case, ids["reestablish-communication"], "k3"
    ).get_data(as_text=True)
    http.post(
        f"/cases/{case.id}/intake/caution-override",
        data={"module_id": ids["reestablish-communication"], "reason": "Both asked, seen alone."},
    )
    assert (
        _assign(login_as, counselor, case, ids["reestablish-communication"], "k4").status_code
        == 302
    )
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Assignment)) == 2
