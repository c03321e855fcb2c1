"""A check-in tells the case counselor once (the scores stay on the case page)."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import CheckIn
from tests.notifications_ui.conftest import kinds_for, nobody_else, outbox, request_key

ANSWERS = {"satisfaction": "6", "communication": "5", "closeness": "7", "hope": "8"}


def test_a_check_in_tells_the_counselor_once(app, couple, people, login_as):
    alex = login_as(couple.a)
    data = {**ANSWERS, "request_key": request_key()}
    for _ in range(2):
        assert alex.post(f"/me/check-in?case={couple.case.id}", data=data).status_code == 302
    with app.app_context():
        check_in_id = db.session.scalar(sa.select(CheckIn.id))
    rows = outbox(app, kind="sessions.check_in")
    assert [(r.recipient_id, r.about) for r in rows] == [
        (couple.counselor.id, ("check_in", check_in_id))
    ]
    assert kinds_for(app, couple.b) == []
    assert nobody_else(app, people, couple.counselor) == {}
