"""The reminder scan works in batches of a constant number of statements (docs/performance.md)."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Assignment,
    AssignmentRecipient,
    Case,
    CaseKind,
    CaseMember,
    CaseStatus,
    MemberRole,
    Notification,
    Role,
    StrategyModule,
    User,
)
from app.notifications.reminders import scan
from tests.performance.conftest import counting

BATCH = 10


def clients_with_work(app, builtin, n: int) -> None:
    """``n`` clients, each in a case of their own with one assignment due on 12 June."""
    with app.app_context():
        version_id = db.session.scalar(
            sa.select(StrategyModule.current_version_id).where(
                StrategyModule.id == min(builtin.values())
            )
        )
        counselor = User(email="scan-counselor@example.test", name="C", role=Role.COUNSELOR)
        db.session.add(counselor)
        db.session.flush()
        for i in range(n):
            client = User(email=f"scan{i}@example.test", name=f"Client {i}", role=Role.CLIENT)
            case = Case(
                label=f"Case {i}",
                kind=CaseKind.INDIVIDUAL,
                status=CaseStatus.ACTIVE,
                counselor_id=counselor.id,
            )
            db.session.add_all([client, case])
            db.session.flush()
            db.session.add(
                CaseMember(case_id=case.id, user_id=client.id, role=MemberRole.INDIVIDUAL)
            )
            assignment = Assignment(
                case_id=case.id, module_version_id=version_id, due_date=date(2026, 6, 12)
            )
            db.session.add(assignment)
            db.session.flush()
            db.session.add(AssignmentRecipient(assignment_id=assignment.id, user_id=client.id))
        db.session.commit()


@pytest.mark.parametrize("clients", [25, 75])
def test_statements_per_batch_do_not_grow_with_the_clients(app, builtin, clients):
    clients_with_work(app, builtin, clients)
    with counting(app) as statements, app.app_context():
        result = scan(batch=BATCH)
    batches = -(-clients // BATCH)
    assert result == {"batches": batches, "announced": 2 * clients}
    # One read and one insert per batch, whatever the batch holds.
    assert len(statements) == 2 * batches, statements
    with app.app_context():
        assert (
            db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 2 * clients
        )


def test_a_second_scan_announces_nothing_again(app, builtin):
    clients_with_work(app, builtin, 12)
    with app.app_context():
        scan(batch=BATCH)
        assert scan(batch=BATCH)["announced"] == 0
