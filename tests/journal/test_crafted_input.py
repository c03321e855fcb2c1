"""Crafted input never gives a 500 (security issue 19.9): far dates, absurd cursors, deep JSON."""

from __future__ import annotations

import base64
from datetime import date

import pytest

from app.services import journal as journal_service
from tests.journal.conftest import csrf_headers

LISTS = {"a": "/me/journal", "b": "/me/journal/shared", "counselor": "/caseload/journal"}


def _cursor(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


@pytest.mark.parametrize("reader", sorted(LISTS))
@pytest.mark.parametrize("query", ["until=9999-12-31", "since=0001-01-01&until=9999-12-31"])
def test_far_dates_in_the_address_give_the_list(world, login_as, make_entry, reader, query):
    make_entry(world.a, world.case, title="Visible")
    http = login_as(getattr(world, reader))
    assert http.get(f"{LISTS[reader]}?{query}").status_code == 200


@pytest.mark.parametrize("reader", sorted(LISTS))
def test_a_far_end_date_in_the_search_form_gets_a_message(world, login_as, reader):
    http = login_as(getattr(world, reader))
    response = http.post(LISTS[reader], data={"until": "9999-12-31"}, follow_redirects=True)
    assert response.status_code in (200, 422)
    assert "Choose a date between" in response.get_data(as_text=True)


@pytest.mark.parametrize("until", [date.max, date(9999, 12, 30)])
def test_the_service_accepts_the_last_representable_day(world, app, until):
    with app.app_context():
        page = journal_service.own_entries(world.a, journal_service.Filters(until=until), None)
        assert page.rows == []


@pytest.mark.parametrize(
    "raw",
    [
        "inf:1",
        "-inf:1",
        "nan:1",
        "1e308:1",
        "99999999999999999999:1",
        "1700000000.0:99999999999999999999999",
        "1700000000.0:-5",
    ],
)
@pytest.mark.parametrize("reader", sorted(LISTS))
def test_cursors_that_decode_to_absurd_numbers_give_the_first_page(
    world, login_as, make_entry, reader, raw
):
    make_entry(world.a, world.case, title="Visible")
    response = login_as(getattr(world, reader)).get(f"{LISTS[reader]}?after={_cursor(raw)}")
    assert response.status_code == 200


@pytest.mark.parametrize("depth", [1_000, 5_000])
def test_deeply_nested_autosave_json_is_refused_with_400(world, login_as, depth):
    http = login_as(world.a)
    nested = "[" * depth + "]" * depth
    body = '{"seq": 5, "fields": {"title": ' + nested + "}}"
    response = http.post(
        "/me/journal/new/" + "k" * 32 + "/autosave",
        data=body,
        content_type="application/json",
        headers=csrf_headers(http),
    )
    assert response.status_code == 400
