"""One statement for several lists (app/services/combined_read.py, docs/performance.md T1):
each part comes back as if read alone, in its order, within its limit, with its eager loads,
and the rows of the parts add up instead of multiplying."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import aliased, joinedload

from app.extensions import db
from app.models import CheckIn, CounselingSession
from app.services import sessions as session_service
from app.services.checkins import check_ins_part
from app.services.combined_read import Part, read
from tests.performance.conftest import counting


def _parts(case_id: int, limit: int | None) -> dict[str, Part]:
    return {
        "sessions": session_service.sessions_part(case_id, limit),
        "check_ins": check_ins_part(case_id),
        "nothing": Part((aliased(CounselingSession),), sa.false()),
    }


@pytest.fixture
def busy(app, couple_case, build):
    counselor, case, a, b = couple_case
    start = datetime(2026, 1, 5, 15, tzinfo=UTC)
    for week in range(6):
        build.session(case, starts_at=start + timedelta(weeks=week), signed_by=counselor)
    build.check_ins(case, a, weeks=5)
    build.check_ins(case, b, weeks=3)
    return case


@pytest.mark.parametrize("limit", [None, 4])
def test_each_part_reads_as_alone_in_one_statement(app, busy, limit):
    with app.app_context():
        alone_sessions = list(
            db.session.scalars(
                sa.select(CounselingSession)
                .where(CounselingSession.case_id == busy.id)
                .order_by(CounselingSession.starts_at.desc(), CounselingSession.id.desc())
                .limit(limit)
                .options(joinedload(CounselingSession.note))
            )
        )
        alone_check_ins = list(
            db.session.scalars(
                sa.select(CheckIn)
                .where(CheckIn.case_id == busy.id)
                .order_by(CheckIn.created_at.desc(), CheckIn.id.desc())
            )
        )
        db.session.expunge_all()
        with counting(app) as statements:
            found = read(_parts(busy.id, limit), {"sessions": _count_of_sessions(busy.id)})
            notes = [s.note.status for s in found.first("sessions")]  # loaded with them
        assert len(statements) == 1
        assert [s.id for s in found.first("sessions")] == [s.id for s in alone_sessions]
        assert [c.id for c in found.first("check_ins")] == [c.id for c in alone_check_ins]
        assert len(notes) == (limit or 6)
        assert found.first("nothing") == []
        assert found.facts == {"sessions": 6}


def _count_of_sessions(case_id: int) -> sa.ScalarSelect[int]:
    return (
        sa.select(sa.func.count(CounselingSession.id))
        .where(CounselingSession.case_id == case_id)
        .scalar_subquery()
    )


def test_no_part_still_reads_the_facts(app, busy):
    with app.app_context():
        assert read({}, {"sessions": _count_of_sessions(busy.id)}).facts == {"sessions": 6}


def test_a_table_in_two_parts_must_be_aliased(app, busy):
    with app.app_context(), pytest.raises(ValueError, match="aliased"):
        read({"a": Part((CheckIn,), sa.true()), "b": Part((CheckIn,), sa.false())})
