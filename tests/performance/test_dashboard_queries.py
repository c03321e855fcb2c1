"""T1: the caseload dashboard issues the same few statements whatever the caseload size."""

MAX_STATEMENTS = 8


def test_dashboard_statements_do_not_grow_with_the_caseload(caseloads, bench_login, statements_of):
    counts = {
        size: len(statements_of(bench_login(email), "/caseload"))
        for size, email in caseloads.items()
    }
    assert counts[10] == counts[40] == counts[150], counts
    assert max(counts.values()) <= MAX_STATEMENTS, counts
