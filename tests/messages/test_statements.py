"""The thread page and the inbox cost the same statements at 10 and at 5,000 messages, and
page by keyset, never by OFFSET (docs/performance.md T1, T3)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event

from app.extensions import db
from tests.messages.bulk import bulk_messages
from tests.messages.conftest import threads_of
from tests.performance.conftest import counting

OLDER = re.compile(r'href="(/messages/\d+\?before=\d+)"')


def statements(app, client, url: str) -> list[str]:
    """Statements of one GET, after a warm-up GET (which may mark the thread read)."""
    assert client.get(url).status_code == 200
    with counting(app) as seen:
        assert client.get(url).status_code == 200
    return seen


@pytest.fixture
def thread_of(app, login_as, couple, open_threads):
    def _fill(count: int) -> int:
        joint = open_threads["joint"]
        bulk_messages(app, joint, [couple.a.id, couple.b.id, couple.counselor.id], count)
        return joint

    return _fill


@pytest.mark.parametrize("role", ["a", "counselor"])
def test_the_thread_page_costs_the_same_at_10_and_5000_messages(app, login_as, factory, role):
    counts = {}
    for size in (10, 5000):
        # A fresh couple each time, so both sizes see the same shape of data.
        counselor = factory.counselor(name="Dr. Lee")
        a, b = factory.client(name="Alex"), factory.client(name="Sam")
        case = factory.case(counselor, [a, b])
        login_as(counselor).get(f"/cases/{case.id}/messages")
        joint = threads_of(app, case.id)["joint"]
        bulk_messages(app, joint, [a.id, b.id, counselor.id], size)
        viewer = login_as(a if role == "a" else counselor)
        page = viewer.get(f"/messages/{joint}").get_data(as_text=True)
        assert f"message {size - 1}<" in page
        assert ("message 0<" in page) is (size <= 30)
        counts[size] = len(statements(app, viewer, f"/messages/{joint}"))
    assert counts[10] == counts[5000], counts


def test_older_pages_use_a_keyset_and_cost_the_same(app, login_as, couple, thread_of):
    joint = thread_of(5000)
    a = login_as(couple.a)
    newest = len(statements(app, a, f"/messages/{joint}"))
    url = f"/messages/{joint}"
    offsets: list[str] = []

    def listener(conn, cursor, statement, parameters, context, executemany) -> None:
        compiled = getattr(context, "compiled", None)
        if getattr(getattr(compiled, "statement", None), "_offset", None):
            offsets.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    try:
        for _ in range(3):
            url = OLDER.findall(a.get(url).get_data(as_text=True))[0]
        older = len(statements(app, a, url))
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert offsets == []
    assert older <= newest
    page = a.get(url).get_data(as_text=True)
    assert "message 4880" in page  # 5000 - 4 pages of 30


def test_the_inbox_costs_the_same_whatever_the_messages_and_the_caseload(app, login_as, factory):
    counselor = factory.counselor(name="Dr. Lee")
    counselor_client = login_as(counselor)

    def add_cases(n: int, messages: int) -> None:
        for _ in range(n):
            a, b = factory.client(), factory.client()
            case = factory.case(counselor, [a, b])
            counselor_client.get(f"/cases/{case.id}/messages")
            slots = threads_of(app, case.id)
            bulk_messages(app, slots["joint"], [a.id, b.id], messages)
            bulk_messages(app, slots[f"private-{a.id}"], [a.id, counselor.id], 3)

    add_cases(2, 10)
    small = len(statements(app, counselor_client, "/inbox"))
    add_cases(1, 5000)
    add_cases(30, 5)
    large = len(statements(app, counselor_client, "/inbox"))
    assert small == large
    filtered = len(statements(app, counselor_client, "/inbox?needs=reply"))
    assert filtered == large
    # 33 cases, 66 threads with messages: the older pages follow a keyset cursor.
    first = counselor_client.get("/inbox").get_data(as_text=True)
    older = re.findall(r'href="(/inbox\?after=[^"]+)"', first)
    assert older
    url = older[0].replace("&amp;", "&")
    second = counselor_client.get(url).get_data(as_text=True)
    shown = set(re.findall(r'fw-semibold" href="/messages/(\d+)"', first))
    more = set(re.findall(r'fw-semibold" href="/messages/(\d+)"', second))
    assert len(shown) == 25 and len(more) == 25 and not shown & more
    assert len(statements(app, counselor_client, url)) == large
