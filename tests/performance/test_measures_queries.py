"""T1 with measures present: the caseload stays within its budget and the case page's measures
section costs the same few statements whatever the caseload and however many measures."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.cases.routes import CASE_PAGE_BUDGET
from app.extensions import db
from app.measures import instruments as catalogue
from app.models import (
    Case,
    CaseMember,
    MeasureCadence,
    MeasureResponse,
    MeasureSchedule,
    ResponseStatus,
    SafetyFlag,
    User,
    utcnow,
)
from tests.performance.conftest import counting, first_case_of

MAX_DASHBOARD = 8  # docs/performance.md T1
#: Alone, the section costs the case page's shared read (the latest CSI per partner and the
#: open safety flags are parts of it); on the page, which issues that read first, nothing.
SECTION_STATEMENTS = 1


@pytest.fixture
def with_measures(app, caseloads):
    """Every case gets a weekly CSI-16 with 12 answered weeks per member (the first case 30)."""
    csi = catalogue.get("CSI-16")
    first_cases = {first_case_of(app, email) for email in caseloads.values()}
    with app.app_context():
        now = utcnow()
        for case in db.session.scalars(sa.select(Case)):
            schedule = MeasureSchedule(
                case_id=case.id, instrument="CSI-16", cadence=MeasureCadence.WEEKLY
            )
            db.session.add(schedule)
            db.session.flush()
            members = db.session.scalars(
                sa.select(CaseMember.user_id).where(CaseMember.case_id == case.id)
            ).all()
            weeks = 30 if case.id in first_cases else 12
            for user_id in members:
                for week in range(weeks):
                    total = 30 + (week * 7 + user_id) % 50
                    sheet = MeasureResponse(
                        case_id=case.id,
                        user_id=user_id,
                        schedule_id=schedule.id,
                        instrument=csi.code,
                        occurrence=f"w{week}",
                        status=ResponseStatus.SUBMITTED,
                        answers={},
                        score={
                            "total": total,
                            "band": csi.band_of(total).label,
                            "beyond": total < 51.5,
                        },
                        submitted_at=now - timedelta(days=7 * (weeks - week)),
                    )
                    db.session.add(sheet)
                    if week == weeks - 1 and case.id in first_cases:
                        db.session.flush()
                        db.session.add(
                            SafetyFlag(case_id=case.id, user_id=user_id, response_id=sheet.id)
                        )
        db.session.commit()
    return caseloads


def test_dashboard_with_measures_stays_within_budget(with_measures, bench_login, statements_of):
    """The latest CSI of every partner on the page comes with the members: no statement of its
    own, so the dashboard keeps its budget with measures present."""
    statements = {
        size: statements_of(bench_login(email), "/caseload")
        for size, email in with_measures.items()
    }
    counts = {size: len(found) for size, found in statements.items()}
    assert counts[10] == counts[40] == counts[150], counts
    assert max(counts.values()) <= MAX_DASHBOARD, counts
    for found in statements.values():
        assert [s for s in found if "recent_csi" in s], "the members' statement brings the scores"


def test_dashboard_shows_the_latest_csi(with_measures, bench_login):
    page = bench_login(with_measures[10]).get("/caseload").get_data(as_text=True)
    assert "CSI-16 " in page


def test_case_page_with_measures_does_not_grow(app, with_measures, bench_login, statements_of):
    counts = {
        size: len(statements_of(bench_login(email), f"/cases/{first_case_of(app, email)}"))
        for size, email in with_measures.items()
    }
    assert counts[10] == counts[40] == counts[150], counts
    assert max(counts.values()) <= CASE_PAGE_BUDGET, counts


def test_measures_section_costs_one_shared_read_at_any_size(app, with_measures):
    from app.measures.sections import case_section

    for email in with_measures.values():
        case_id = first_case_of(app, email)
        with app.app_context():
            counselor = db.session.scalar(sa.select(User).where(User.email == email))
            # The case page loads members (and their users) with the case.
            case = db.session.scalars(
                sa.select(Case)
                .where(Case.id == case_id)
                .options(selectinload(Case.members).joinedload(CaseMember.user))
            ).one()
            case_section(counselor, case)  # warm the data-key cache
            with counting(app) as statements:
                context = case_section(counselor, case)
        assert context is not None and context["flags"]
        assert len(statements) == SECTION_STATEMENTS, statements


def test_measures_page_does_not_grow(app, with_measures, bench_login, statements_of):
    counts = {
        size: len(statements_of(bench_login(email), f"/cases/{first_case_of(app, email)}/measures"))
        for size, email in with_measures.items()
    }
    assert counts[10] == counts[40] == counts[150], counts
