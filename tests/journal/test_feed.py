"""The counselor's "shared with me" feed: newest first, keyset pages, constant statements."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from app.models import Visibility
from app.services.journal import PAGE_SIZE


def _fill(factory, make_entry, counselor, cases: int, per_case: int):
    start = datetime(2026, 1, 1, 9, tzinfo=UTC)
    n = 0
    for _ in range(cases):
        case, a, b = factory.couple(counselor)
        for i in range(per_case):
            n += 1
            make_entry(
                a if i % 2 else b,
                case,
                title=f"Entry {n:03d}",
                visibility=Visibility.COUNSELOR if i % 3 else Visibility.COUNSELOR_AND_PARTNER,
                created_at=start + timedelta(hours=n),
                comment="ok" if i % 4 == 0 else None,
                comment_by=counselor,
            )
            make_entry(a, case, title=f"Private {n:03d}", created_at=start + timedelta(hours=n))
    return n


def _statements(count_queries, http, url):
    response, statements = count_queries(lambda: http.get(url))
    assert response.status_code == 200
    return response, statements


def test_feed_statement_count_is_constant(factory, make_entry, login_as, count_queries):
    counselor = factory.counselor()
    http = login_as(counselor)
    _fill(factory, make_entry, counselor, cases=1, per_case=2)
    _, small = _statements(count_queries, http, "/caseload/journal")
    _fill(factory, make_entry, counselor, cases=6, per_case=8)
    response, large = _statements(count_queries, http, "/caseload/journal")
    assert len(small) == len(large), (small, large)
    assert response.get_data(as_text=True).count('href="/caseload/journal/') == PAGE_SIZE


def test_deep_page_via_cursor_never_uses_offset(factory, make_entry, login_as, count_queries):
    counselor = factory.counselor()
    total = _fill(factory, make_entry, counselor, cases=3, per_case=20)
    http = login_as(counselor)
    url, seen, pages = "/caseload/journal", [], 0
    first_statements = None
    while url:
        response, statements = _statements(count_queries, http, url)
        first_statements = first_statements or len(statements)
        assert len(statements) == first_statements
        for s in statements:
            # SQLite spells every LIMIT as "LIMIT ? OFFSET ?"; the offset must stay 0.
            if "OFFSET" in s.upper():
                assert "LIMIT ? OFFSET ?" in s and s.parameters[-1] == 0, s
        html = response.get_data(as_text=True)
        seen += re.findall(r"Entry (\d{3})", html)
        match = re.search(r'href="(/caseload/journal\?after=[^"]+)"[^>]*>Older entries', html)
        url = match.group(1).replace("&amp;", "&") if match else None
        pages += 1
    assert pages == -(-total // PAGE_SIZE)
    assert seen == [f"{n:03d}" for n in range(total, 0, -1)]


def test_client_list_pages_by_keyset_too(world, make_entry, login_as):
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(PAGE_SIZE + 5):
        make_entry(world.a, world.case, title=f"Mine {n:03d}", created_at=start + timedelta(days=n))
    http = login_as(world.a)
    html = http.get("/me/journal").get_data(as_text=True)
    assert "Mine 024" in html and "Mine 004" not in html
    after = re.search(r'href="/me/journal\?after=([^"]+)"', html).group(1)
    older = http.get(f"/me/journal?after={after}").get_data(as_text=True)
    assert "Mine 004" in older and "Mine 000" in older and "Mine 005" not in older


@pytest.mark.parametrize("cursor", ["garbage", "Zm9vOmJhcg", "x" * 100, "MTIzOjQ1Ng"])
def test_malformed_cursors_give_a_page_not_an_error(world, login_as, cursor):
    assert login_as(world.counselor).get(f"/caseload/journal?after={cursor}").status_code == 200
