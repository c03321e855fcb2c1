"""The counselor's week view, day view and the caseload (with today's agenda) issue a constant
number of statements whatever the caseload size (docs/performance.md T1); the week really
lists the generated appointments."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Case, CaseStatus, User
from tests.performance.conftest import (  # noqa: F401  (fixtures)
    bench_login,
    caseloads,
    statements_of,
)

#: the login, the person's time zone, the appointments with their cases, the expected names
#: (and the caseload's own eight).
MAX_STATEMENTS = 11


@pytest.mark.parametrize("url", ["/calendar", "/calendar/day", "/caseload"])
def test_statements_do_not_grow_with_the_caseload(caseloads, bench_login, statements_of, url):  # noqa: F811
    small, large = caseloads[10], caseloads[150]
    counts = {
        size: len(statements_of(bench_login(email), url))
        for size, email in (("small", small), ("large", large))
    }
    assert counts["small"] == counts["large"], counts
    assert counts["large"] <= MAX_STATEMENTS, counts


def test_the_week_lists_each_open_case_once_a_week(app, caseloads, bench_login):  # noqa: F811
    page = bench_login(caseloads[40]).get("/calendar").get_data(as_text=True)
    with app.app_context():
        open_cases = db.session.scalar(
            sa.select(sa.func.count(Case.id))
            .join(User, User.id == Case.counselor_id)
            .where(User.email == caseloads[40], Case.status != CaseStatus.CLOSED)
        )
    assert page.count('href="/cases/') == open_cases > 10  # one weekly session each
    assert "<caption" in page and 'scope="rowgroup"' in page
