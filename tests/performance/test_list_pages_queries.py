"""T1 for the other list pages: statements stay constant in caseload size and history."""

import pytest

from tests.performance.conftest import a_client_of


def test_shared_journal_feed_is_constant(caseloads, bench_login, statements_of):
    counts = {
        size: len(statements_of(bench_login(email), "/caseload/journal"))
        for size, email in caseloads.items()
    }
    assert counts[10] == counts[40] == counts[150], counts


@pytest.mark.parametrize("url", ["/me", "/me/journal", "/me/exercises"])
def test_client_pages_do_not_grow_with_history(app, caseloads, bench_login, statements_of, url):
    # The 10-client counselor's clients have 26 weeks of writing, the others' 2 weeks.
    counts = {
        size: len(statements_of(bench_login(a_client_of(app, email)), url))
        for size, email in caseloads.items()
    }
    assert counts[10] == counts[40] == counts[150], counts


def test_deep_journal_page_costs_what_the_first_does(app, caseloads, bench_login, statements_of):
    from tests.performance.test_keyset_paging import older_page_links

    client = bench_login(a_client_of(app, caseloads[10]))
    first = statements_of(client, "/me/journal")
    url, depth = "/me/journal", 0
    while links := older_page_links(client.get(url).get_data(as_text=True)):
        url, depth = links[-1], depth + 1
    assert depth >= 2, "26 weeks of entries fill at least three pages"
    assert len(statements_of(client, url)) == len(first)
