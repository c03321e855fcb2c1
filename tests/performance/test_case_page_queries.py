"""T1: the case page issues the same few statements for every counselor and case, at most 8.

The budget is shared: the page's own reads (``CASE_PAGE_OWN_STATEMENTS``) plus what each
section declares (``Section.statements``) must fit in ``CASE_PAGE_BUDGET``, each section is held
to its declaration, and the page as a whole to the budget (docs/performance.md T1).
"""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import event

from app.cases import routes as case_routes
from app.extensions import db
from app.sections import Section
from bench.querycount import is_counted
from tests.performance.conftest import first_case_of

pytest_plugins = ["tests.performance.busy_case"]


def case_page_counts(app, caseloads, bench_login, statements_of) -> dict[int, int]:
    """Statements of the case page of each counselor's first case, by caseload size."""
    return {
        size: len(statements_of(bench_login(email), f"/cases/{first_case_of(app, email)}"))
        for size, email in caseloads.items()
    }


def test_case_page_statements_do_not_grow_with_the_caseload(
    app, caseloads, bench_login, statements_of
):
    counts = case_page_counts(app, caseloads, bench_login, statements_of)
    assert counts[10] == counts[40] == counts[150], counts


#: What the page issues today (docs/performance.md T1): the budget's one spare statement is for
#: the requests that refresh the login session's last-seen time (a deferred write every few
#: minutes), so a new statement must be folded into the shared read, not spent.
MEASURED = 7


def test_case_page_stays_within_the_statement_budget(app, caseloads, bench_login, statements_of):
    counts = case_page_counts(app, caseloads, bench_login, statements_of)
    assert max(counts.values()) <= case_routes.CASE_PAGE_BUDGET, counts
    assert set(counts.values()) == {MEASURED}, (
        f"the case page now issues {counts} statements, not {MEASURED}: fold a new read into "
        "app/services/case_page_read.py, or update MEASURED and docs/performance.md T1"
    )


def test_a_busy_case_costs_what_a_quiet_one_does(
    app, caseloads, bench_login, statements_of, busy_case
):
    """Many more messages, measures, flags, check-ins and appointments: not one statement more.

    The busy case is the 10-client counselor's first (26 weeks of journals and answers, and
    what ``busy_case`` adds); the quiet one is the 150-client counselor's first (2 weeks).
    """
    email = caseloads[10]
    busy = statements_of(bench_login(email), f"/cases/{busy_case}")
    quiet_email = caseloads[150]
    quiet = statements_of(bench_login(quiet_email), f"/cases/{first_case_of(app, quiet_email)}")
    assert len(busy) == len(quiet) <= case_routes.CASE_PAGE_BUDGET, (len(busy), len(quiet))


def test_the_sections_declarations_fit_the_budget():
    declared = sum(section.statements for section in case_routes.CASE_PAGE_SECTIONS)
    total = case_routes.CASE_PAGE_OWN_STATEMENTS + declared
    assert total <= case_routes.CASE_PAGE_BUDGET, (
        f"the case page's own {case_routes.CASE_PAGE_OWN_STATEMENTS} statements and its sections' "
        f"{declared} declared ones make {total}, over the budget of "
        f"{case_routes.CASE_PAGE_BUDGET} (docs/performance.md T1): load the new section's rows "
        "with a statement the page already issues, or fold two of its reads into one"
    )


@pytest.fixture
def measured_sections(monkeypatch) -> Counter:
    """Wrap every case-page section's loader so the statements it issues are counted."""
    issued: Counter = Counter()

    def measured(section: Section) -> Section:
        def loader(*args):
            statements: list[str] = []

            def listener(conn, cursor, statement, *_):
                if is_counted(statement):
                    statements.append(statement)

            event.listen(db.engine, "before_cursor_execute", listener)
            try:
                result = section.loader(*args)
            finally:
                event.remove(db.engine, "before_cursor_execute", listener)
            issued[section.template] = max(issued[section.template], len(statements))
            return result

        return Section(section.template, loader, section.statements)

    monkeypatch.setattr(
        case_routes, "CASE_PAGE_SECTIONS", [measured(s) for s in case_routes.CASE_PAGE_SECTIONS]
    )
    return issued


def test_each_section_stays_within_its_declared_statements(
    app, caseloads, bench_login, statements_of, measured_sections
):
    declared = {s.template: s.statements for s in case_routes.CASE_PAGE_SECTIONS}
    # A process's first page fills its caches (the client data keys); count warm pages only.
    case_page_counts(app, caseloads, bench_login, statements_of)
    measured_sections.clear()
    totals = case_page_counts(app, caseloads, bench_login, statements_of)
    over = {t: n for t, n in measured_sections.items() if n > declared[t]}
    assert not over, f"sections issuing more statements than they declare: {over}"
    own = max(totals.values()) - sum(measured_sections.values())
    assert own <= case_routes.CASE_PAGE_OWN_STATEMENTS, (own, measured_sections)
