"""AUD-1: every refusal writes exactly one audit event, including the quiet ones."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from app.models import AuditEvent, Exercise, JournalEntry
from tests.security.scenario import World
from tests.security.test_authorization_matrix import csrf_token

PARTNER_DRAFT_KEY = "partner-b-draft-key-0123456789"


@pytest.fixture
def app_config() -> dict:
    # Real CSRF checks: two of the refusals are missing tokens.
    return {"WTF_CSRF_ENABLED": True}


@dataclass(frozen=True)
class Refusal:
    """Who tries what, and a word the denial's detail must name."""

    role: str
    send: Callable[[FlaskClient, World, str], object]
    detail: str


def _foreign_exercise(world: World) -> int:
    return db.session.scalar(sa.select(Exercise.id).where(Exercise.id != world.ids["exercise"]))


def _exercise_of_another_module(client, world, _token):
    exercise_id = _foreign_exercise(world)
    return client.get(f"/me/exercises/{world.ids['a_recipient']}/{exercise_id}")


def _autosave_with_the_partners_draft_key(client, world, token):
    return client.post(
        f"/me/journal/new/{PARTNER_DRAFT_KEY}/autosave",
        json={"seq": 5, "fields": {"body": "overwrite"}, "csrf_token": token},
        headers={"X-CSRFToken": token},
    )


def _pick_another_counselors_entry(client, world, token):
    return client.post(
        f"/cases/{world.ids['case1_case']}/sessions/{world.ids['case1_session']}/picks",
        data={"csrf_token": token, "entries": [str(world.ids["x_entry_for_counselor"])]},
    )


def _feedback_for_a_recipient_of_another_case(client, world, token):
    return client.post(
        f"/cases/{world.ids['case1_case']}/assignments/{world.ids['case1_assignment']}"
        f"/feedback/{world.ids['x_recipient']}",
        data={"csrf_token": token, f"r{world.ids['x_recipient']}-feedback": "x"},
    )


def _form_without_csrf_token(client, world, _token):
    return client.post("/logout", data={})


def _autosave_without_csrf_token(client, world, _token):
    entry = world.ids["a_private_entry"]
    return client.post(f"/me/journal/{entry}/autosave", json={"seq": 9, "fields": {"body": "x"}})


def _partners_private_entry(client, world, _token):
    return client.get(f"/me/journal/{world.ids['b_private_entry']}")


REFUSALS = {
    "foreign exercise under own assignment": Refusal("A", _exercise_of_another_module, "exercise"),
    "autosave with the partner's draft key": Refusal(
        "A", _autosave_with_the_partners_draft_key, "draft key"
    ),
    "picking another counselor's entry": Refusal("C", _pick_another_counselors_entry, "picks"),
    "feedback to another case's recipient": Refusal(
        "C", _feedback_for_a_recipient_of_another_case, "recipient"
    ),
    "form without CSRF token": Refusal("A", _form_without_csrf_token, "csrf"),
    "autosave without CSRF token": Refusal("A", _autosave_without_csrf_token, "csrf"),
    "the partner's private entry": Refusal("A", _partners_private_entry, "journal entry"),
}


def _denials(app: Flask) -> list[AuditEvent]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(AuditEvent).where(AuditEvent.outcome == "denied").order_by(AuditEvent.id)
            )
        )


@pytest.mark.parametrize("name", list(REFUSALS))
def test_each_refusal_writes_exactly_one_denial_event(app, world, clients, name):
    refusal = REFUSALS[name]
    with app.app_context():
        entry = db.session.get(JournalEntry, world.ids["b_private_entry"])
        entry.request_key = PARTNER_DRAFT_KEY
        db.session.commit()
    client = clients[refusal.role]
    token = csrf_token(client)
    before = len(_denials(app))
    with app.app_context():
        response = refusal.send(client, world, token)
    assert response.status_code in (302, 400, 404), response.status_code
    new = _denials(app)[before:]
    assert len(new) == 1, [(e.action, e.detail) for e in new]
    assert new[0].action == "access.denied"
    assert new[0].actor_id == world.users[refusal.role]
    assert refusal.detail in (new[0].detail or "")


def test_the_refused_pick_changes_nothing(app, world, clients):
    from app.models import SessionJournalPick

    client = clients["C"]
    _pick_another_counselors_entry(client, world, csrf_token(client))
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(SessionJournalPick.session_id))) == 0
