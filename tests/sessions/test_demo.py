"""The sessions demo: every note format signed, one amendment, a draft, weeks of check-ins."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import CheckIn, NoteAmendment, NoteFormat, NoteStatus, SessionNote


def test_demo_sessions(app, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        notes = db.session.scalars(sa.select(SessionNote)).all()
        signed = {n.format for n in notes if n.status is NoteStatus.SIGNED}
        assert signed == {NoteFormat.SOAP, NoteFormat.DAP, NoteFormat.BIRP}
        assert any(n.status is NoteStatus.DRAFT for n in notes)
        assert db.session.scalar(sa.select(sa.func.count(NoteAmendment.id))) == 1
        weeks = db.session.scalars(sa.select(CheckIn.created_at)).all()
        assert (max(weeks) - min(weeks)).days >= 35
