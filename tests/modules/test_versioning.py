"""Editing a module adds a version; assigned clients keep seeing the version they were given."""

import sqlalchemy as sa

from app.extensions import db
from app.models import ModuleVersion, StrategyModule


def _module_form(title: str, prompt: str, based_on: int | str, **extra) -> dict:
    data = {
        "title": title,
        "summary": "A summary.",
        "introduction": "An introduction for clients.",
        "counselor_notes": "",
        "caution": "",
        "exercises-0-kind": "reflection",
        "exercises-0-title": "Only exercise",
        "exercises-0-prompt": prompt,
        "based_on": str(based_on),
    }
    data.update(extra)
    return data


def _own_module(app, login_as, counselor, builtin):
    c = login_as(counselor)
    response = c.post(f"/modules/{builtin['focus-on-personal-growth']}/copy")
    assert response.status_code == 302
    with app.app_context():
        module = db.session.scalar(
            sa.select(StrategyModule).where(StrategyModule.owner_id == counselor.id)
        )
        return c, module.id, module.current_version_id


def test_edit_after_assignment_keeps_clients_version(app, login_as, couple, give, builtin):
    c, module_id, first_version = _own_module(app, login_as, couple.counselor, builtin)
    given = give(couple.case, [couple.a, couple.b], module_id)
    exercise = given.exercise_ids[0]
    before = login_as(couple.a).get(f"/me/exercises/{given.recipient_a}/{exercise}")
    assert "What gives me energy" in before.get_data(as_text=True)

    edited = c.post(
        f"/modules/{module_id}/edit",
        data=_module_form("Growth, reworded", "PROMPT-OF-VERSION-2", first_version),
    )
    assert edited.status_code == 302
    with app.app_context():
        module = db.session.get(StrategyModule, module_id)
        assert module.current_version_id != first_version
        assert (
            db.session.scalar(
                sa.select(sa.func.count(ModuleVersion.id)).where(
                    ModuleVersion.module_id == module_id
                )
            )
            == 2
        )

    after = login_as(couple.a).get(f"/me/exercises/{given.recipient_a}/{exercise}")
    text = after.get_data(as_text=True)
    assert after.status_code == 200
    assert "What gives me energy" in text and "PROMPT-OF-VERSION-2" not in text
    overview = login_as(couple.a).get(f"/me/exercises/{given.recipient_a}").get_data(as_text=True)
    assert "Growth, reworded" not in overview

    review = c.get(f"/cases/{couple.case.id}/assignments/{given.assignment_id}")
    assert "A newer version of this module exists" in review.get_data(as_text=True)


def test_builtin_modules_cannot_be_edited(app, login_as, couple, builtin):
    module_id = builtin["reflect-on-the-relationship"]
    with app.app_context():
        current = db.session.get(StrategyModule, module_id).current_version_id
    c = login_as(couple.counselor)
    assert c.get(f"/modules/{module_id}/edit").status_code == 302
    c.post(f"/modules/{module_id}/edit", data=_module_form("Hijacked", "x", current))
    with app.app_context():
        assert db.session.get(StrategyModule, module_id).current_version_id == current


def test_stale_edit_gets_the_conflict_page(app, login_as, couple, builtin):
    c, module_id, first_version = _own_module(app, login_as, couple.counselor, builtin)
    assert (
        c.post(
            f"/modules/{module_id}/edit", data=_module_form("One", "p1", first_version)
        ).status_code
        == 302
    )
    stale = c.post(f"/modules/{module_id}/edit", data=_module_form("Two", "p2", first_version))
    assert stale.status_code == 409
    assert "Two" in stale.get_data(as_text=True)


def test_checklist_needs_two_items(app, login_as, couple, builtin):
    c, module_id, version = _own_module(app, login_as, couple.counselor, builtin)
    response = c.post(
        f"/modules/{module_id}/edit",
        data=_module_form(
            "T", "p", version, **{"exercises-0-kind": "checklist", "exercises-0-items": "only one"}
        ),
    )
    assert response.status_code == 200
    assert "at least two items" in response.get_data(as_text=True)


def test_new_module_needs_an_exercise(login_as, couple, builtin):
    c = login_as(couple.counselor)
    data = _module_form("T", "", "")
    data.update({"exercises-0-title": "", "exercises-0-prompt": ""})
    response = c.post("/modules/new", data=data)
    assert response.status_code == 200
    assert "Add at least one exercise" in response.get_data(as_text=True)


def test_old_version_can_be_read(app, login_as, couple, builtin):
    c, module_id, first_version = _own_module(app, login_as, couple.counselor, builtin)
    c.post(f"/modules/{module_id}/edit", data=_module_form("Renamed", "p", first_version))
    old = c.get(f"/modules/{module_id}?version=1").get_data(as_text=True)
    assert "an older version" in old and "What gives me energy" in old
