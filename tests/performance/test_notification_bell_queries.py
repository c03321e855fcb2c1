"""The bell costs one statement on every page, and the notification centre's pages cost the
same whether a person has a handful of notifications or hundreds (docs/performance.md T1)."""

from __future__ import annotations

import re

import pytest

from tests.notifications_ui.conftest import add_shown

SIZES = (3, 300)


def _touching_notifications(statements: list[str]) -> list[str]:
    return [s for s in statements if re.search(r"\bnotifications\b", s)]


@pytest.mark.parametrize(
    ("role", "url"), [("client", "/me"), ("counselor", "/caseload"), ("admin", "/admin")]
)
def test_the_bell_is_one_statement_whatever_the_count(
    app, factory, login_as, statements_of, role, url
):
    counts = {}
    for size in SIZES:
        user = getattr(factory, role)()
        add_shown(app, user, size)
        statements = statements_of(login_as(user), url)
        assert len(_touching_notifications(statements)) == 1, statements
        counts[size] = len(statements)
    assert counts[SIZES[0]] == counts[SIZES[1]], counts


def test_the_list_pages_cost_the_same_at_both_sizes(app, factory, login_as, statements_of):
    first, deep = {}, {}
    for size in SIZES:
        user = factory.client()
        ids = add_shown(app, user, size)
        client = login_as(user)
        first[size] = len(statements_of(client, "/notifications"))
        deep[size] = len(statements_of(client, f"/notifications?before={ids[len(ids) // 2]}"))
    assert first[SIZES[0]] == first[SIZES[1]] == deep[SIZES[1]], (first, deep)


def test_a_counselors_list_names_cases_in_one_statement(app, factory, login_as, statements_of):
    counts = {}
    for size in SIZES:
        counselor = factory.counselor()
        cases = [factory.case(counselor, [factory.client()]) for _ in range(3)]
        for index in range(size):
            add_shown(app, counselor, 1, kind="journal.shared", case_id=cases[index % 3].id)
        counts[size] = len(statements_of(login_as(counselor), "/notifications"))
    assert counts[SIZES[0]] == counts[SIZES[1]], counts
