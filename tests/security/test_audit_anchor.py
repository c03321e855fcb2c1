"""AUD-3: events removed from the end of the audit chain are found (the head is anchored)."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import audit
from app.audit_anchor import Anchor, anchor_path, read_anchor, write_anchor
from app.extensions import db
from app.models import AuditEvent


def _write(app, count: int) -> None:
    """Append ``count`` events through the real chain, in batches like requests do."""
    with app.app_context():
        for start in range(0, count, 50):
            audit.write_events(
                [
                    audit.PendingEvent(
                        action="journal.read",
                        object_type="journal_entries",
                        object_id=n,
                        case_id=1,
                        outcome="ok",
                        detail=None,
                        actor_id=1,
                        actor_role="counselor",
                        address="10.0.0.1",
                        at=datetime.now(UTC),
                    )
                    for n in range(start, min(count, start + 50))
                ]
            )
            db.session.commit()


def _delete_newest(app, how_many: int | None) -> None:
    with app.app_context():
        query = sa.select(AuditEvent.id).order_by(AuditEvent.id.desc())
        if how_many is not None:
            query = query.limit(how_many)
        ids = db.session.scalars(query).all()
        db.session.execute(sa.delete(AuditEvent).where(AuditEvent.id.in_(ids)))
        db.session.commit()


@pytest.mark.parametrize("removed", [1, 200, None], ids=["newest", "newest-200", "all"])
def test_verify_fails_when_events_are_missing_at_the_end(app, runner, removed):
    _write(app, 250)
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    _delete_newest(app, removed)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1, result.output
    assert "missing at the end" in result.output


def test_events_written_by_requests_are_anchored(app, factory, login_as, runner):
    login_as(factory.counselor())  # signing in is a write: anchored at its commit
    with app.app_context():
        newest = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert newest.action.startswith("auth.")
        assert read_anchor(app) == Anchor(newest.id, newest.chain_hash)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert f"anchored at event {newest.id}" in result.output


def test_the_anchor_file_is_private_and_signed(app, runner):
    _write(app, 3)
    path = anchor_path(app)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = json.loads(path.read_text())
    data["event_id"] -= 1  # someone moves the anchor back to hide the newest event
    path.write_text(json.dumps(data))
    _delete_newest(app, 1)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "not genuine" in result.output


def test_a_missing_anchor_file_with_events_fails(app, runner):
    _write(app, 3)
    anchor_path(app).unlink()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "no anchor file" in result.output


def test_an_empty_trail_without_anchor_is_intact(app, runner):
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0


def test_the_anchor_never_moves_backwards(app):
    _write(app, 5)
    with app.app_context():
        newest = read_anchor(app)
        write_anchor(app, Anchor(newest.event_id - 2, "0" * 64))  # a slower writer, late
        assert read_anchor(app) == newest


def test_a_rolled_back_batch_is_not_anchored(app):
    _write(app, 2)
    with app.app_context():
        before = read_anchor(app)
        audit.write_events(
            [
                audit.PendingEvent(
                    "x", None, None, None, "ok", None, None, None, None, datetime.now(UTC)
                )
            ]
        )
        db.session.rollback()
        db.session.commit()
        assert read_anchor(app) == before


def test_reanchor_accepts_the_current_end_and_is_audited(app, runner):
    _write(app, 10)
    _delete_newest(app, 4)  # e.g. a restored backup
    assert runner.invoke(args=["audit", "verify"]).exit_code == 1
    result = runner.invoke(args=["audit", "reanchor"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert actions[-1] == "audit.reanchored"
    assert Path(anchor_path(app)).exists()
