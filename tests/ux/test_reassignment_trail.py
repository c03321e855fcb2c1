"""A reassignment leaves a trail (issue ux-pass, item 10)."""

from __future__ import annotations

import json

from app.extensions import db
from app.models import Case


def _reassign(login_as, admin, case, to) -> None:
    response = login_as(admin).post(
        f"/admin/cases/{case.id}/reassign", data={"counselor": str(to.id)}
    )
    assert response.status_code == 302


def test_history_export_and_the_former_counselors_page(app, factory, login_as):
    admin = factory.admin(name="Pat Admin")
    before = factory.counselor(name="Morgan Lee")
    after = factory.counselor(name="Dana Reyes")
    alex = factory.client(name="Alex Rivera")
    case = factory.case(before, [alex, factory.client()], label="Rivera couple")
    _reassign(login_as, admin, case, after)
    with app.app_context():
        db.session.get(Case, case.id).label = "Renamed after the move"
        db.session.commit()

    # The case history names who moved it, when, from whom to whom.
    page = login_as(after).get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Case history" in page
    assert "Moved from Morgan Lee to <strong>Dana Reyes</strong>" in page and "Pat Admin" in page

    # The former counselor gets a clear page, which reveals nothing new.
    response = login_as(before).get(f"/cases/{case.id}")
    assert response.status_code == 404
    moved = response.get_data(as_text=True)
    assert "This case has moved to another counselor" in moved
    for secret in ("Dana Reyes", "Renamed after the move", "Alex Rivera"):
        assert secret not in moved

    # Someone who never held the case still gets the ordinary "not found".
    stranger = login_as(factory.counselor()).get(f"/cases/{case.id}").get_data(as_text=True)
    assert "has moved" not in stranger

    # The client's export says since when the new counselor has the case.
    exported = login_as(alex).get("/me/export.json")
    assert exported.status_code == 200, exported.status_code
    (entry,) = json.loads(exported.get_data(as_text=True))["cases"]
    assert entry["counselor"] == "Dana Reyes" and entry["counselor_since"]
    assert entry["counselor_since"] != entry["joined_at"] or entry["joined_at"] is None
