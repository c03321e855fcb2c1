"""privacy-core 2: one commit point per request; the after-request hook saves only audit events."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from app import audit
from app.extensions import db
from app.models import AuditEvent, User


def _add_stray_route(app: Flask, *, flush: bool, method: str) -> None:
    """A view that changes a row and never commits (what a buggy view would do)."""

    def stray(user_id: int):
        user = db.session.get(User, user_id)
        user.name = "Changed without a commit"
        if flush:
            db.session.flush()
        audit.record("test.stray", user)
        return "done"

    app.add_url_rule("/test-only/stray/<int:user_id>", "stray", stray, methods=[method])


@pytest.mark.parametrize("flush", [False, True], ids=["pending", "flushed"])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_an_uncommitted_change_is_rolled_back_but_the_audit_event_is_kept(
    app, factory, login_as, flush, method
):
    _add_stray_route(app, flush=flush, method=method)
    user = factory.counselor(name="Original Name")
    client = login_as(user)
    response = client.open(f"/test-only/stray/{user.id}", method=method)
    assert response.status_code == 200
    with app.app_context():
        assert db.session.get(User, user.id).name == "Original Name"
        actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert actions.count("test.stray") == 1
