"""Builders for the caseload tests."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Invitation
from tests.caseload.builders import populate_caseload


@pytest.fixture
def people(factory):
    """Every role of the access matrix around one couple case."""
    counselor = factory.counselor()
    case, a, b = factory.couple(counselor)
    other_counselor = factory.counselor()
    admin = factory.admin()
    _, x, _ = factory.couple(other_counselor)
    return {
        "case": case,
        "counselor": counselor,
        "partner_a": a,
        "partner_b": b,
        "other_counselor": other_counselor,
        "admin": admin,
        "client_x": x,
    }


@pytest.fixture
def invitations_of(app):
    """All invitation rows of a user, oldest first."""

    def _get(user_id: int) -> list[Invitation]:
        with app.app_context():
            rows = db.session.scalars(
                sa.select(Invitation).where(Invitation.user_id == user_id).order_by(Invitation.id)
            ).all()
            for row in rows:
                db.session.expunge(row)
            return rows

    return _get


@pytest.fixture
def populate(app):
    """Give a counselor ``n`` couple cases with sessions, assignments and journal entries."""
    return lambda counselor_id, n, prefix="Case": populate_caseload(app, counselor_id, n, prefix)


@pytest.fixture
def count_statements(app):
    """Run ``call()`` and return how many SQL statements the app's engine executed."""
    from sqlalchemy import event

    def _count(call) -> int:
        with app.app_context():
            engine = db.engine
        statements: list[str] = []

        def listener(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", listener)
        try:
            call()
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(statements)

    return _count
