"""T1: the case page issues the same few statements for every counselor and case."""

import pytest

from tests.performance.conftest import first_case_of

MAX_STATEMENTS = 8


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


@pytest.mark.xfail(
    strict=True,
    reason="T1 missed: the case page issues 15 statements on SQLite (16 on PostgreSQL, with the "
    "audit chain's advisory lock): the login session, the case with members and history, "
    "invitations of members and of places, assignments and their recipients, the journal "
    "section, sessions, check-ins, waiting PDFs, the bell's unread count, and the audit "
    "event's chain read and insert; "
    "the budget is 8. "
    "Remove this mark when the page is within the target.",
)
def test_case_page_stays_within_the_statement_budget(app, caseloads, bench_login, statements_of):
    counts = case_page_counts(app, caseloads, bench_login, statements_of)
    assert max(counts.values()) <= MAX_STATEMENTS, counts
